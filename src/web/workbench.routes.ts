/**
 * Serves the built staff workbench (a Vite build of src/web/workbench) under /workbench/: hashed
 * assets with a year's immutable caching, and index.html for every other workbench path, so a
 * bookmarked or reloaded page address opens the app, which picks the page from the URL.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { UnavailableError } from '../platform/errors.js';
import { registerMessages } from '../platform/i18n/messages.js';

/** Where `npm run build` puts the workbench; two levels up is the repository from src/web and dist/web alike. */
export const WORKBENCH_ASSETS_DIR: string = fileURLToPath(new URL('../../dist/web/workbench', import.meta.url));

export interface WorkbenchRoutesOptions {
  /** The Vite build: index.html and assets/. */
  assetsDir: string;
}

const ONE_YEAR_MS = 365 * 24 * 60 * 60 * 1000;

registerMessages({
  'web.workbench_not_built': { zh: '工作台尚未构建', en: 'The workbench has not been built' },
  'web.workbench_not_built.detail': {
    zh: '服务器上没有工作台的构建产物。请管理员在服务器上运行 npm run build（或 npm start，它会先构建）。',
    en: 'The server has no build of the workbench. An administrator should run npm run build on the server (or npm start, which builds first).',
  },
});

/**
 * The workbench plugin, for `runtime.routes`.
 * @example runtime.routes.push(workbenchRoutes({ assetsDir: WORKBENCH_ASSETS_DIR }));
 */
export function workbenchRoutes(options: WorkbenchRoutesOptions): FastifyPluginAsync {
  const indexFile = path.join(options.assetsDir, 'index.html');

  return async (app) => {
    // Vite names every asset by its content hash, so a changed file is a new URL: cache for good.
    // A missing asset falls through to the platform's 404, never to index.html posing as JavaScript.
    await app.register(fastifyStatic, {
      root: path.join(options.assetsDir, 'assets'),
      prefix: '/workbench/assets/',
      decorateReply: false,
      index: false,
      maxAge: ONE_YEAR_MS,
      immutable: true,
    });

    app.get('/workbench', { schema: { hide: true } }, async (request, reply) => {
      const query = request.url.slice('/workbench'.length);
      return reply.redirect(`/workbench/${query}`, 301);
    });

    const sendApp = async (_request: unknown, reply: FastifyReply) => {
      // Read on every request (it is under a kilobyte): a rebuild changes the asset names it points at.
      const html = await readFile(indexFile, 'utf8').catch((error: NodeJS.ErrnoException) => {
        if (error.code === 'ENOENT') throw new UnavailableError('web.workbench_not_built');
        throw error;
      });
      // no-cache: the browser revalidates, so it always learns the names of the newest assets.
      return reply.header('cache-control', 'no-cache').type('text/html; charset=utf-8').send(html);
    };
    app.get('/workbench/', { schema: { hide: true } }, sendApp);
    app.get('/workbench/*', { schema: { hide: true } }, sendApp);
  };
}
