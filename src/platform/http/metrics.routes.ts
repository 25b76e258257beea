/**
 * `/metrics` in the Prometheus text exposition format (version 0.0.4). Modules hand in collectors;
 * the platform knows none of them. Prometheus scrapes with `Authorization: Bearer <HUITONG_METRICS_TOKEN>`;
 * without a configured token only loopback callers (a sidecar, an operator on the host) are answered,
 * since the figures name members and standards.
 */
import { timingSafeEqual } from 'node:crypto';
import type { FastifyPluginAsync } from 'fastify';
import { ForbiddenError } from '../errors.js';

export interface MetricSample {
  labels: Record<string, string>;
  value: number;
}

export interface MetricFamily {
  /** `huitong_<module>_<what>[_total|_seconds]`. */
  name: string;
  help: string;
  type: 'counter' | 'gauge';
  samples: MetricSample[];
}

export type MetricsCollector = () => Promise<MetricFamily[]>;

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

export function metricsRoutes(deps: {
  collectors: readonly MetricsCollector[];
  token: string | undefined;
}): FastifyPluginAsync {
  return async (app) => {
    app.get(
      '/metrics',
      {
        schema: {
          tags: ['platform'],
          summary: 'Prometheus metrics 运行指标',
          description:
            'Prometheus 文本格式。需 Bearer 令牌（HUITONG_METRICS_TOKEN），未配置时仅本机可访问。\n\nPrometheus text format. Needs the bearer token HUITONG_METRICS_TOKEN; without one configured, loopback callers only.',
        },
      },
      async (request, reply) => {
        if (!allowed(request.headers.authorization, request.ip, deps.token)) throw new ForbiddenError('auth.forbidden');
        const families = (await Promise.all(deps.collectors.map((collect) => collect()))).flat();
        return reply.type('text/plain; version=0.0.4; charset=utf-8').send(exposition(families));
      },
    );
  };
}

function allowed(authorization: string | undefined, ip: string, token: string | undefined): boolean {
  if (!token) return LOOPBACK.has(ip);
  const offered = Buffer.from(authorization?.startsWith('Bearer ') ? authorization.slice(7) : '');
  const expected = Buffer.from(token);
  return offered.length === expected.length && timingSafeEqual(offered, expected);
}

/**
 * @example exposition([{ name: 'x_total', help: 'X', type: 'counter', samples: [{ labels: { a: 'b' }, value: 1 }] }])
 * // '# HELP x_total X\n# TYPE x_total counter\nx_total{a="b"} 1\n'
 */
export function exposition(families: readonly MetricFamily[]): string {
  let text = '';
  for (const family of families) {
    text += `# HELP ${family.name} ${family.help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')}\n`;
    text += `# TYPE ${family.name} ${family.type}\n`;
    for (const sample of family.samples) {
      const labels = Object.entries(sample.labels)
        .map(([name, value]) => `${name}="${value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"')}"`)
        .join(',');
      text += `${family.name}${labels ? `{${labels}}` : ''} ${Number.isFinite(sample.value) ? sample.value : 0}\n`;
    }
  }
  return text;
}
