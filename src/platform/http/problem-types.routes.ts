/**
 * Makes every problem `type` dereferenceable (RFC 9457 §3.1.1 recommends it): `/problems/<code>`
 * describes the problem in both languages, so a developer of a departmental system who meets
 * `/problems/blob.too_large` can look it up on the platform that returned it.
 */
import type { FastifyPluginAsync } from 'fastify';
import { NotFoundError } from '../errors.js';
import { messageOf, registerMessages } from '../i18n/messages.js';

registerMessages({
  'http.problem_type_unknown': { zh: '没有这种问题类型', en: 'No such problem type' },
  'http.problem_type_unknown.detail': {
    zh: '平台没有定义问题类型 {code}。',
    en: 'The platform defines no problem type {code}.',
  },
});

const Text = {
  type: 'object',
  required: ['zh', 'en'],
  properties: { zh: { type: 'string' }, en: { type: 'string' } },
} as const;

export const problemTypeRoutes: FastifyPluginAsync = async (app) => {
  app.get<{ Params: { code: string } }>(
    '/problems/:code',
    {
      schema: {
        tags: ['platform'],
        summary: 'Describe a problem type returned in an error response',
        params: {
          type: 'object',
          required: ['code'],
          properties: { code: { type: 'string', pattern: '^[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)+$', maxLength: 100 } },
        },
        response: {
          200: {
            type: 'object',
            required: ['type', 'code', 'title'],
            properties: { type: { type: 'string' }, code: { type: 'string' }, title: Text, detail: Text },
          },
        },
      },
    },
    async (request) => {
      const { code } = request.params;
      const title = messageOf(code);
      // Only problem codes have a `.detail` text or are used as titles; UI strings are not problem types.
      if (!title) throw new NotFoundError('http.problem_type_unknown', { code });
      const detail = messageOf(`${code}.detail`);
      return { type: `/problems/${code}`, code, title, ...(detail ? { detail } : {}) };
    },
  );
};
