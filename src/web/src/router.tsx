// A tiny router over history.pushState under /admin/ (no extra dependency).
import { createContext, useContext, useEffect, useState, type ReactNode } from 'react';

const BASE = '/admin';
const Ctx = createContext<{ path: string; go: (p: string) => void }>({ path: '/', go: () => {} });

function current(): string {
  const p = window.location.pathname.startsWith(BASE) ? window.location.pathname.slice(BASE.length) : '/';
  return p || '/';
}

export function Router({ children }: { children: ReactNode }) {
  const [path, setPath] = useState(current);
  useEffect(() => {
    const on = () => setPath(current());
    window.addEventListener('popstate', on);
    return () => window.removeEventListener('popstate', on);
  }, []);
  const go = (p: string) => {
    window.history.pushState(null, '', BASE + p);
    setPath(p);
  };
  return <Ctx.Provider value={{ path, go }}>{children}</Ctx.Provider>;
}

export const useRouter = () => useContext(Ctx);
