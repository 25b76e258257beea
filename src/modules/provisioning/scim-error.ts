/**
 * Errors inside /scim/v2 follow RFC 7644 §3.12, not problem+json: a status, a `scimType` keyword and
 * a detail line. Services throw `ScimError` (a DomainError, so codes and zh/en messages work as
 * everywhere else); the SCIM plugin turns it, and any other DomainError, into a SCIM error body
 * with scimmy's ErrorResponse.
 */
import SCIMMY from 'scimmy';
import { DomainError, type ErrorKind, ValidationError } from '../../platform/errors.js';
import { type Locale, translate } from '../../platform/i18n/messages.js';
import './provisioning.messages.js';

export type ScimType =
  | 'invalidFilter'
  | 'invalidValue'
  | 'invalidSyntax'
  | 'invalidPath'
  | 'noTarget'
  | 'mutability'
  | 'uniqueness'
  | 'tooMany'
  | 'invalidVers';

export type ScimStatus = 400 | 401 | 403 | 404 | 409 | 412 | 413 | 500 | 501;

const KIND_OF: Record<number, ErrorKind> = {
  400: 'validation',
  401: 'unauthenticated',
  403: 'forbidden',
  404: 'not_found',
  409: 'conflict',
  412: 'conflict',
  413: 'too_large',
  501: 'unavailable',
};

/** A SCIM failure with its HTTP status and, for 400 and 409, its RFC 7644 `scimType`. */
export class ScimError extends DomainError {
  readonly status: ScimStatus;
  readonly scimType: ScimType | undefined;
  constructor(status: ScimStatus, code: string, scimType?: ScimType, params: Record<string, unknown> = {}) {
    super(KIND_OF[status] ?? 'internal', code, params);
    this.status = status;
    this.scimType = scimType;
  }
}

const STATUS_OF_KIND: Record<ErrorKind, ScimStatus> = {
  validation: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  too_large: 413,
  rate_limited: 400,
  unavailable: 500,
  internal: 500,
};

export interface ScimErrorBody {
  schemas: string[];
  status: string;
  scimType?: string;
  detail?: string;
}

/**
 * The SCIM error body and status for anything thrown inside /scim/v2. A directory validation error
 * becomes `invalidValue` naming the fields (or `uniqueness` when a value is taken); personal values
 * never appear, only pointers and reasons.
 * @example const { status, body } = scimErrorOf(error, 'en');
 */
export function scimErrorOf(error: unknown, locale: Locale): { status: ScimStatus; body: ScimErrorBody } {
  let status: ScimStatus = 500;
  let scimType: ScimType | undefined;
  let detail = translate('provisioning.scim_internal', locale);
  if (error instanceof ScimError) {
    status = error.status;
    scimType = error.scimType;
    detail = describe(error, locale);
  } else if (error instanceof ValidationError) {
    const taken = error.fields.some((field) => field.reason === 'taken');
    status = taken ? 409 : 400;
    scimType = taken ? 'uniqueness' : 'invalidValue';
    const fields = error.fields.map((field) => `${field.pointer} (${field.reason})`).join(', ');
    detail = `${describe(error, locale)} ${fields}`.trim();
  } else if (error instanceof DomainError) {
    status = STATUS_OF_KIND[error.kind];
    detail = describe(error, locale);
  }
  const scimmyError = new SCIMMY.Types.Error(status, scimType ?? '', detail);
  const body = JSON.parse(JSON.stringify(new SCIMMY.Messages.ErrorResponse(scimmyError))) as ScimErrorBody;
  if (!scimType) delete body.scimType;
  return { status, body };
}

function describe(error: DomainError, locale: Locale): string {
  const key = `${error.code}.detail`;
  const detail = translate(key, locale, error.params);
  return detail === key ? translate(error.code, locale, error.params) : detail;
}
