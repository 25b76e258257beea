/**
 * RFC 9457 problem details. Every error the HTTP API returns, from a domain error, a schema
 * validation failure, malformed JSON, an unknown route or a crash, leaves through `toProblem`,
 * with a stable `type` per error code and a title and detail in the reader's language.
 */
import { Type } from '@sinclair/typebox';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { DomainError, type ErrorKind, type FieldError, ValidationError } from '../errors.js';
import { type Locale, negotiateLocale, registerMessages, translate } from '../i18n/messages.js';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** RFC 9457 problem details as the platform sends them; extension members (`errors`) pass through. */
export const ProblemSchema = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    status: Type.Integer(),
    detail: Type.String(),
    code: Type.String(),
    requestId: Type.String(),
    instance: Type.Optional(Type.String()),
  },
  { additionalProperties: true },
);

/**
 * An OpenAPI response entry for a route's error status.
 * @example response: { 200: Page, 422: problemResponse('A query parameter is not valid') }
 */
export function problemResponse(description: string) {
  return { description, content: { [PROBLEM_CONTENT_TYPE]: { schema: ProblemSchema } } };
}

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  code: string;
  requestId: string;
  errors?: FieldError[];
  [extension: string]: unknown;
}

const STATUS_OF: Record<ErrorKind, number> = {
  validation: 422,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  too_large: 413,
  rate_limited: 429,
  unavailable: 503,
  internal: 500,
};

registerMessages({
  'http.route_not_found': { zh: '没有这个地址', en: 'No such route' },
  'http.route_not_found.detail': { zh: '{method} {url} 不存在。', en: '{method} {url} does not exist.' },
  'http.malformed_json': { zh: '请求体不是合法的 JSON', en: 'The request body is not valid JSON' },
  'http.malformed_json.detail': {
    zh: '无法解析请求体：{reason}',
    en: 'The request body could not be parsed: {reason}',
  },
  'http.validation_failed': { zh: '请求不符合要求', en: 'The request is not valid' },
  'http.validation_failed.detail': {
    zh: '有 {count} 处不符合要求，见 errors。',
    en: '{count} field(s) failed validation; see errors.',
  },
  'http.body_too_large': { zh: '请求体过大', en: 'The request body is too large' },
  'http.body_too_large.detail': {
    zh: '请求体不能超过 {limit} 字节。',
    en: 'The request body must not exceed {limit} bytes.',
  },
  'http.unsupported_media_type': { zh: '不支持的内容类型', en: 'Unsupported media type' },
  'http.unsupported_media_type.detail': {
    zh: '不接受内容类型 {contentType}。',
    en: 'Content type {contentType} is not accepted.',
  },
  'http.bad_request': { zh: '请求有误', en: 'Bad request' },
  'http.internal': { zh: '服务器内部错误', en: 'Internal server error' },
  'http.internal.detail': {
    zh: '处理请求时出错，已记录。请凭请求编号 {requestId} 联系管理员。',
    en: 'Something went wrong and it was logged. Quote request id {requestId} to the administrators.',
  },
  'auth.unauthenticated': { zh: '需要登录', en: 'Authentication required' },
  'auth.forbidden': { zh: '无权执行此操作', en: 'Not permitted' },
  'auth.wrong_principal_kind': { zh: '此接口不接受当前身份', en: 'This endpoint does not serve this kind of caller' },
  'auth.wrong_principal_kind.detail': {
    zh: '此接口只接受以下身份：{expected}。',
    en: 'This endpoint serves only these kinds of caller: {expected}.',
  },
  'secrets.unsealable': { zh: '无法解封存储的密钥', en: 'A stored secret could not be opened' },
  'secrets.unsealable.detail': {
    zh: '存储的密钥被改动，或平台密钥（HUITONG_SECRET_KEY 或数据目录中的 secret.key）与封存时不同。',
    en: 'A stored secret was altered, or the platform key (HUITONG_SECRET_KEY or secret.key in the data dir) is not the one it was sealed with.',
  },
  'db.data_dir_locked': { zh: '数据目录已被占用', en: 'The data directory is in use' },
  'db.data_dir_locked.detail': {
    zh: '数据目录 {dataDir} 正由进程 {pid} 使用（自 {since} 起）。同一内嵌数据目录只能由一个进程打开；如需多个进程，请使用 PostgreSQL（DATABASE_URL）。',
    en: 'The data directory {dataDir} is in use by process {pid} (since {since}). Only one process may open an embedded data directory; to run several, use PostgreSQL (DATABASE_URL).',
  },
  'db.migration_changed': { zh: '已执行的迁移被修改', en: 'An applied migration was changed' },
  'db.migration_changed.detail': {
    zh: '迁移 {migration} 在执行后被修改。请恢复原文件，并以新的迁移文件进行变更。',
    en: 'Migration {migration} was edited after it was applied. Restore it and make the change in a new migration.',
  },
});

/** `type` URIs are relative references (RFC 9457 §3.1.1) into the platform's own problem pages. */
export function problemType(code: string): string {
  return `/problems/${code}`;
}

export function problemFrom(
  error: unknown,
  request: Pick<FastifyRequest, 'id' | 'url' | 'method' | 'headers'>,
): Problem {
  const locale = negotiateLocale(request.headers['accept-language']);
  const base = { instance: request.url, requestId: String(request.id) };
  if (error instanceof DomainError) {
    const fields = error instanceof ValidationError && error.fields.length ? { errors: error.fields } : {};
    return build(locale, error.code, STATUS_OF[error.kind], error.params, base, fields);
  }
  const fastifyError = error as FastifyError;
  if (fastifyError.validation) {
    const errors: FieldError[] = fastifyError.validation.map((v) => ({
      pointer: pointerOf(fastifyError.validationContext, v.instancePath, v.params),
      reason: v.keyword,
      ...(v.message ? { message: v.message } : {}),
    }));
    return build(locale, 'http.validation_failed', 422, { count: errors.length }, base, { errors });
  }
  switch (fastifyError.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return build(locale, 'http.malformed_json', 400, { reason: fastifyError.message }, base);
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return build(locale, 'http.body_too_large', 413, { limit: bodyLimitOf(fastifyError) }, base);
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return build(locale, 'http.unsupported_media_type', 415, { contentType: request.headers['content-type'] }, base);
  }
  // JSON.parse errors from the default parser carry statusCode 400 without a code on some paths.
  if (fastifyError instanceof SyntaxError || fastifyError.statusCode === 400) {
    return build(locale, 'http.malformed_json', 400, { reason: fastifyError.message }, base);
  }
  if (fastifyError.statusCode && fastifyError.statusCode >= 400 && fastifyError.statusCode < 500) {
    return build(locale, 'http.bad_request', fastifyError.statusCode, {}, base, {
      detail: fastifyError.message,
    });
  }
  return build(locale, 'http.internal', 500, { requestId: base.requestId }, base);
}

export function sendProblem(reply: FastifyReply, problem: Problem): FastifyReply {
  return reply.code(problem.status).type(PROBLEM_CONTENT_TYPE).send(problem);
}

function build(
  locale: Locale,
  code: string,
  status: number,
  params: Record<string, unknown>,
  base: { instance: string; requestId: string },
  extra: Partial<Problem> = {},
): Problem {
  const detailKey = `${code}.detail`;
  const detail = translate(detailKey, locale, params);
  return {
    type: problemType(code),
    title: translate(code, locale, params),
    status,
    detail: detail === detailKey ? translate(code, locale, params) : detail,
    code,
    ...base,
    ...extra,
  };
}

/** A JSON Pointer (RFC 6901) into the request part that failed, e.g. `/body/name` or `/query/limit`. */
function pointerOf(context: string | undefined, instancePath: string, params: Record<string, unknown>): string {
  const part = context ? `/${context}` : '';
  // A missing required property is reported on its parent; point at the property itself.
  const missing = typeof params.missingProperty === 'string' ? `/${params.missingProperty}` : '';
  const extra = typeof params.additionalProperty === 'string' ? `/${params.additionalProperty}` : '';
  return `${part}${instancePath}${missing}${extra}`;
}

function bodyLimitOf(error: FastifyError): string {
  return /(\d+)/.exec(error.message)?.[1] ?? 'the limit';
}
