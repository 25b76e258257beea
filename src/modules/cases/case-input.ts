/**
 * The bodies of the lifecycle's calls, read and checked whole: every bad field is reported at once
 * as a JSON Pointer and a reason (`required`, `type`, `too_long`, `one_of`, `pattern`, `range` …).
 * Identity numbers are checked by their standards (GB 11643, GB 32100) and never echoed in errors.
 */
import { type FieldError, ValidationError } from '../../platform/errors.js';
import { parseCreditCode } from '../../platform/identifiers/credit-code.js';
import { parseResidentId } from '../../platform/identifiers/resident-id.js';
import { type Applicant, type CaseAction, type Decision, type PauseKind, SPECIAL_PROCEDURES } from './case.js';

export const MOBILE_PATTERN = /^1[3-9]\d{9}$/;
const OPINION_MAX = 2000;
const NAME_MAX = 200;
const RESULT_NUMBER_MAX = 100;
export const DELIVERY_METHODS = ['collected', 'mail', 'electronic'] as const;
export type DeliveryMethod = (typeof DELIVERY_METHODS)[number];

/** Reads fields of one object, collecting errors. */
export class BodyReader {
  readonly errors: FieldError[] = [];
  readonly #body: Record<string, unknown>;

  constructor(body: unknown) {
    if (typeof body === 'object' && body !== null && !Array.isArray(body)) this.#body = body as Record<string, unknown>;
    else {
      this.#body = {};
      this.errors.push({ pointer: '', reason: 'type' });
    }
  }

  has(name: string): boolean {
    return this.#body[name] !== undefined && this.#body[name] !== null;
  }

  raw(name: string): unknown {
    return this.#body[name];
  }

  /** Trimmed text; blank counts as missing. */
  text(name: string, options: { required: boolean; max: number; pointer?: string }): string | null {
    const pointer = options.pointer ?? `/${name}`;
    const value = this.#body[name];
    if (value === undefined || value === null || (typeof value === 'string' && value.trim() === '')) {
      if (options.required) this.errors.push({ pointer, reason: 'required' });
      return null;
    }
    if (typeof value !== 'string') {
      this.errors.push({ pointer, reason: 'type' });
      return null;
    }
    const text = value.trim();
    if ([...text].length > options.max) {
      this.errors.push({ pointer, reason: 'too_long' });
      return null;
    }
    return text;
  }

  oneOf<T extends string>(name: string, values: readonly T[], required = true): T | null {
    const value = this.#body[name];
    if (value === undefined || value === null) {
      if (required) this.errors.push({ pointer: `/${name}`, reason: 'required' });
      return null;
    }
    if (typeof value !== 'string' || !values.includes(value as T)) {
      this.errors.push({ pointer: `/${name}`, reason: 'one_of' });
      return null;
    }
    return value as T;
  }

  integer(name: string, min: number, max: number, required = true): number | null {
    const value = this.#body[name];
    if (value === undefined || value === null) {
      if (required) this.errors.push({ pointer: `/${name}`, reason: 'required' });
      return null;
    }
    if (typeof value !== 'number' || !Number.isInteger(value)) {
      this.errors.push({ pointer: `/${name}`, reason: 'type' });
      return null;
    }
    if (value < min || value > max) {
      this.errors.push({ pointer: `/${name}`, reason: 'range' });
      return null;
    }
    return value;
  }

  /** Throws `cases.invalid` with every error collected so far. */
  done(): void {
    if (this.errors.length > 0) throw invalid(this.errors);
  }
}

export function invalid(errors: FieldError[]): ValidationError {
  return new ValidationError('cases.invalid', errors, { count: errors.length });
}

/**
 * The applicant of a window application: a citizen by resident identity number (GB 11643) or an
 * enterprise by unified social credit code (GB 32100).
 */
export function readApplicant(value: unknown, today: string, errors: FieldError[]): Applicant | null {
  const reader = new BodyReader(value);
  if (reader.errors.length > 0) {
    errors.push({ pointer: '/applicant', reason: reader.has('kind') ? 'type' : 'required' });
    return null;
  }
  const kind = reader.oneOf('kind', ['citizen', 'enterprise'] as const);
  const name = reader.text('name', { required: true, max: NAME_MAX });
  const rawId = reader.text('idNumber', { required: true, max: 40 });
  const mobile = reader.text('mobile', { required: false, max: 20 });
  if (mobile !== null && !MOBILE_PATTERN.test(mobile)) reader.errors.push({ pointer: '/mobile', reason: 'pattern' });
  let idNumber: string | null = null;
  if (rawId !== null && kind !== null) {
    try {
      idNumber =
        kind === 'citizen'
          ? parseResidentId(rawId, { pointer: '/idNumber', today }).value
          : parseCreditCode(rawId, { pointer: '/idNumber' }).value;
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      reader.errors.push(...error.fields.map((field) => ({ pointer: field.pointer, reason: field.reason })));
    }
  }
  errors.push(...reader.errors.map((error) => ({ ...error, pointer: `/applicant${error.pointer}` })));
  if (kind === null || name === null || idNumber === null || reader.errors.length > 0) return null;
  return { kind, name, idNumber, mobile };
}

/** What a transition's body carries, by action. */
export interface TransitionInput {
  version: number;
  opinion: string | null;
  decision: Decision | null;
  materialIndexes: number[];
  pauseKind: PauseKind | null;
  resultNumber: string | null;
  method: DeliveryMethod | null;
}

/**
 * Reads the body of `action`. `materialCount` bounds the indexes a 补正 request may name.
 * @throws ValidationError `cases.invalid`
 */
export function readTransition(action: CaseAction, body: unknown, materialCount: number): TransitionInput {
  const reader = new BodyReader(body);
  const version = reader.integer('version', 1, 2_147_483_647);
  const opinionRequired = ['advance', 'special_end'].includes(action);
  const reasonField = ['reject', 'supplement', 'special', 'withdraw'].includes(action) ? 'reason' : 'opinion';
  const opinion = reader.text(reasonField, { required: reasonField === 'reason' || opinionRequired, max: OPINION_MAX });
  const input: TransitionInput = {
    version: version ?? 0,
    opinion,
    decision: null,
    materialIndexes: [],
    pauseKind: null,
    resultNumber: null,
    method: null,
  };
  switch (action) {
    case 'decide': {
      input.decision = reader.oneOf('decision', ['granted', 'refused'] as const);
      // A refusal states its reasons (行政许可法 第38条: 应当说明理由).
      if (input.decision === 'refused' && opinion === null && !reader.errors.some((e) => e.pointer === '/opinion')) {
        reader.errors.push({ pointer: '/opinion', reason: 'required' });
      }
      break;
    }
    case 'supplement': {
      const indexes = reader.raw('materialIndexes');
      if (!Array.isArray(indexes) || indexes.length === 0) {
        reader.errors.push({ pointer: '/materialIndexes', reason: indexes === undefined ? 'required' : 'type' });
      } else {
        indexes.forEach((index, at) => {
          if (!Number.isInteger(index) || (index as number) < 0 || (index as number) >= materialCount) {
            reader.errors.push({ pointer: `/materialIndexes/${at}`, reason: 'range' });
          }
        });
        input.materialIndexes = [...new Set(indexes as number[])].sort((a, b) => a - b);
      }
      break;
    }
    case 'special':
      input.pauseKind = reader.oneOf('kind', SPECIAL_PROCEDURES);
      break;
    case 'complete':
      input.resultNumber = reader.text('resultNumber', { required: false, max: RESULT_NUMBER_MAX });
      break;
    case 'deliver':
      input.method = reader.oneOf('method', DELIVERY_METHODS);
      break;
  }
  reader.done();
  return input;
}
