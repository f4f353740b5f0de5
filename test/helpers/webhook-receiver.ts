// A real webhook receiver for tests: a node:http server on 127.0.0.1, port
// chosen by the system. It keeps every request it got and answers with what
// `respond` says (default 200), optionally after a delay.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  headers: http.IncomingHttpHeaders;
  body: string;
  at: Date;
}

export interface Receiver {
  url: string;
  received: Received[];
  /** The status (and delay) of the next answers; change it to make the receiver fail or recover. */
  respond: (r: Received) => { status: number; delayMs?: number; body?: string };
  close(): Promise<void>;
}

export async function startReceiver(path = '/hooks'): Promise<Receiver> {
  const received: Received[] = [];
  const rx: Receiver = { url: '', received, respond: () => ({ status: 200 }), close: async () => {} };
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      const r = { headers: req.headers, body, at: new Date() };
      received.push(r);
      const a = rx.respond(r);
      const send = () => res.writeHead(a.status, { 'content-type': 'text/plain' }).end(a.body ?? (a.status < 300 ? 'ok' : 'nope'));
      if (a.delayMs) setTimeout(send, a.delayMs);
      else send();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  rx.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}${path}`;
  rx.close = () =>
    new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return rx;
}

/** The distinct event ids a receiver has seen. */
export const distinctEventIds = (rx: Receiver) => new Set(rx.received.map((r) => String(r.headers['quan-event-id'])));
