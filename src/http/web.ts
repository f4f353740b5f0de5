// The web console: the production build of src/web (dist/web, made by
// `npm run build`) served at /admin; any other path under /admin gets
// index.html so the console's own router handles it.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

export const WEB_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../dist/web');

export async function webConsole(app: FastifyInstance, opts: { root?: string } = {}) {
  const root = opts.root ?? WEB_ROOT;
  const index = path.join(root, 'index.html');
  app.get('/admin', { schema: { hide: true } }, (_req, reply) => reply.redirect('/admin/'));
  if (!fs.existsSync(index)) {
    app.get('/admin/*', { schema: { hide: true } }, (_req, reply) =>
      reply
        .code(503)
        .type('text/plain; charset=utf-8')
        .send('The web console is not built: run `npm run build` (npm start does it when dist/web is missing).'),
    );
    return;
  }
  await app.register(fastifyStatic, {
    root,
    prefix: '/admin/',
    wildcard: false,
    index: ['index.html'],
    cacheControl: false,
    // Vite names assets by content hash: they never change; index.html always may.
    setHeaders: (reply, file) =>
      reply.header('cache-control', file.includes(`${path.sep}assets${path.sep}`) ? 'public, max-age=31536000, immutable' : 'no-cache'),
  });
  // Client-side routes: /admin/templates, /admin/write-off, ... all load the app.
  app.get('/admin/*', { schema: { hide: true } }, (_req, reply) => reply.header('cache-control', 'no-cache').sendFile('index.html'));
}
