// The baseline for `npm run bench`: Fastify 5 with nothing but one JSON route,
// so the quan numbers can be read as a fraction of what this machine and this
// framework do with no work at all. Prints `BARE http://127.0.0.1:PORT` when ready.
import Fastify from 'fastify';

const app = Fastify({ logger: false });

app.post('/bare', async () => ({ ok: true, service: 'bare' }));

const shutdown = () => {
  void app.close().then(() => process.exit(0));
};
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);

await app.listen({ port: Number(process.env.PORT ?? 0), host: process.env.HOST ?? '127.0.0.1' });
const addr = app.server.address();
const port = typeof addr === 'object' && addr ? addr.port : 0;
console.log(`BARE http://127.0.0.1:${port}`);
