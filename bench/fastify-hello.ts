/**
 * The baseline for the HTTP bench: a bare Fastify hello-world in its own process, answering
 * `GET /` with `{"status":"ok"}` (the body of huitong's /healthz). No logger, no plugins, no
 * schema: what Fastify itself costs on this machine.
 *
 *   PORT=3100 HOST=127.0.0.1 node --import tsx bench/fastify-hello.ts
 */
import Fastify from 'fastify';

const app = Fastify({ logger: false });
app.get('/', async () => ({ status: 'ok' }));

process.once('SIGTERM', () => {
  void app.close().then(() => process.exit(0));
});

await app.listen({ port: Number(process.env.PORT ?? 3100), host: process.env.HOST ?? '127.0.0.1' });
