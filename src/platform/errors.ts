/**
 * Domain errors. Services throw these; only the edges (HTTP error handler, CLI) turn them into
 * status codes or exit codes. Each carries a stable `code` (dotted, e.g. `case.already_accepted`)
 * that names the problem type and keys the zh/en message catalogue.
 */

export type ErrorKind =
  | 'validation'
  | 'unauthenticated'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'too_large'
  | 'rate_limited'
  | 'unavailable'
  | 'internal';

/** One field that failed validation: a JSON Pointer into the input and a short reason code. */
export interface FieldError {
  pointer: string;
  reason: string;
  /** A human message in English, when the validator gives one. */
  message?: string;
}

export class DomainError extends Error {
  readonly code: string;
  readonly kind: ErrorKind;
  readonly params: Record<string, unknown>;

  constructor(kind: ErrorKind, code: string, params: Record<string, unknown> = {}, message?: string) {
    super(message ?? code);
    this.name = new.target.name;
    this.kind = kind;
    this.code = code;
    this.params = params;
  }
}

export class ValidationError extends DomainError {
  readonly fields: FieldError[];
  constructor(code: string, fields: FieldError[] = [], params: Record<string, unknown> = {}) {
    super('validation', code, params);
    this.fields = fields;
  }
}

export class UnauthenticatedError extends DomainError {
  constructor(code = 'auth.unauthenticated', params: Record<string, unknown> = {}) {
    super('unauthenticated', code, params);
  }
}

export class ForbiddenError extends DomainError {
  constructor(code = 'auth.forbidden', params: Record<string, unknown> = {}) {
    super('forbidden', code, params);
  }
}

export class NotFoundError extends DomainError {
  constructor(code: string, params: Record<string, unknown> = {}) {
    super('not_found', code, params);
  }
}

export class ConflictError extends DomainError {
  constructor(code: string, params: Record<string, unknown> = {}) {
    super('conflict', code, params);
  }
}

export class PayloadTooLargeError extends DomainError {
  constructor(code: string, params: Record<string, unknown> = {}) {
    super('too_large', code, params);
  }
}

/** Too many attempts; `retryAfterSeconds` says when to try again (the HTTP edge sends Retry-After). */
export class RateLimitedError extends DomainError {
  readonly retryAfterSeconds: number;
  constructor(code: string, retryAfterSeconds: number, params: Record<string, unknown> = {}) {
    super('rate_limited', code, { ...params, retryAfterSeconds });
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

export class UnavailableError extends DomainError {
  constructor(code: string, params: Record<string, unknown> = {}) {
    super('unavailable', code, params);
  }
}
