// A browser origin as CORS compares it: scheme, host and port, nothing else
// (the Origin header a browser sends, e.g. https://shop.example.com:8443).

const ORIGIN = /^https?:\/\/(\[[0-9a-f:.]+\]|[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*)(:\d{1,5})?$/;

/** True for `http(s)://host[:port]` in lower case, without path, query or trailing slash. */
export function isOrigin(s: string): boolean {
  if (s.length > 300 || !ORIGIN.test(s)) return false;
  const port = /:(\d+)$/.exec(s.replace(/^https?:\/\/\[[^\]]*\]/, ''))?.[1];
  return port === undefined || (Number(port) > 0 && Number(port) <= 65535);
}

/** The origin as a browser sends it: scheme and host in lower case, no trailing slash. */
export function normalizeOrigin(s: string): string {
  return s.trim().toLowerCase().replace(/\/+$/, '');
}
