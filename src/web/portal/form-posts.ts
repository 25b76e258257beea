/**
 * Form posts on the portal's server-rendered pages: the url-encoded parser and the refusal of posts
 * from other sites. Each page plugin that takes forms registers them on its own instance, so only
 * its routes accept a form post and the JSON API never does (CSRF).
 */
import { parse as parseQueryString } from 'node:querystring';
import type { FastifyInstance } from 'fastify';
import { refuseCrossSite } from './page-reply.js';

export interface FormPostOptions {
  /** The largest url-encoded body the plugin's forms send; a larger one is refused with 413. */
  bodyLimitBytes: number;
}

/**
 * Parses application/x-www-form-urlencoded bodies to one string per field and refuses any POST
 * from another site, for the routes of this plugin instance only.
 * @example acceptFormPosts(instance, { bodyLimitBytes: 16 * 1024 });
 */
export function acceptFormPosts(instance: FastifyInstance, { bodyLimitBytes }: FormPostOptions): void {
  instance.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string', bodyLimit: bodyLimitBytes },
    (_request, body, done) => {
      const parsed = parseQueryString(String(body));
      // A repeated field keeps its last value, as a browser never sends one twice.
      done(null, Object.fromEntries(Object.entries(parsed).map(([key, value]) => [key, [value].flat().at(-1) ?? ''])));
    },
  );
  instance.addHook('preHandler', async (request) => {
    if (request.method === 'POST') refuseCrossSite(request);
  });
}
