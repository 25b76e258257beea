import type { FastifyPluginAsync } from 'fastify';
import type { Database } from '../db/database.js';
import { pendingMigrations, readMigrations } from '../db/migrations.js';

const Check = {
  type: 'object',
  required: ['status'],
  properties: {
    status: { type: 'string', enum: ['ok', 'unavailable'] },
    checks: {
      type: 'object',
      additionalProperties: {
        type: 'object',
        required: ['status'],
        properties: { status: { type: 'string' }, detail: { type: 'string' } },
      },
    },
  },
} as const;

/** `/healthz`: the process is alive. `/readyz`: it can serve: the database answers and is migrated. */
export const healthRoutes: FastifyPluginAsync<{ database: Database }> = async (app, { database }) => {
  // The files a running process expects: read once, as a new build means a new process.
  const migrations = await readMigrations();
  app.get(
    '/healthz',
    { schema: { tags: ['platform'], summary: 'Liveness: the process is alive', response: { 200: Check } } },
    async () => ({ status: 'ok' }),
  );

  app.get(
    '/readyz',
    {
      schema: {
        tags: ['platform'],
        summary: 'Readiness: the database answers and every migration is applied',
        response: { 200: Check, 503: Check },
      },
    },
    async (request, reply) => {
      const checks: Record<string, { status: string; detail?: string }> = {};
      try {
        await database.ping();
        checks.database = { status: 'ok', detail: database.engine };
        const pending = await pendingMigrations(database, migrations);
        checks.migrations = pending.length
          ? { status: 'unavailable', detail: `pending: ${pending.join(', ')}` }
          : { status: 'ok' };
      } catch (error) {
        request.log.warn({ err: error }, 'readiness check failed');
        checks.database = { status: 'unavailable', detail: 'the database does not answer' };
      }
      const ready = Object.values(checks).every((check) => check.status === 'ok');
      return reply.code(ready ? 200 : 503).send({ status: ready ? 'ok' : 'unavailable', checks });
    },
  );
};
