/**
 * Normalising and checking a person's and a post's fields, shared by the service (one write) and the
 * staff import (every row before anything is written). Checks return field errors rather than throw,
 * so the import can report all of them; each names a field and a reason code, never the value.
 */
import type { FieldError } from '../../platform/errors.js';
import {
  EMAIL_PATTERN,
  isIsoDate,
  MOBILE_PATTERN,
  PERSON_STATUSES,
  type PersonPatch,
  type PostInput,
  STAFF_NO_PATTERN,
} from './person.js';

const MAX_NAME_LENGTH = 100;
const MAX_TITLE_LENGTH = 50;
const MAX_EMAIL_LENGTH = 254;

/**
 * The forms people type a mobile number in (`138 1234 5678`, `+86-138-1234-5678`) reduced to the
 * stored one; blank is none.
 * @example normaliseMobile('+86 138-1234-5678'); // '13812345678'
 */
export function normaliseMobile(text: string | null | undefined): string | null {
  const bare = (text ?? '').normalize('NFKC').replace(/[\s\-()]/g, '');
  if (bare === '') return null;
  return bare.replace(/^(?:\+86|0086)/, '');
}

/**
 * A trimmed e-mail address, lower-cased (mail systems treat addresses case-insensitively in practice,
 * and provisioning needs one spelling); blank is none.
 * @example normaliseEmail(' Li.Ming@Example.GOV.cn '); // 'li.ming@example.gov.cn'
 */
export function normaliseEmail(text: string | null | undefined): string | null {
  const trimmed = (text ?? '').normalize('NFKC').trim().toLowerCase();
  return trimmed === '' ? null : trimmed;
}

/**
 * The problems with the person fields that are present; `requireIdentity` also demands staffNo and name.
 * @example checkPersonFields({ staffNo: 'HT000001', name: '张三', mobile: '12345' }, true); // [{ pointer: '/mobile', reason: 'format' }]
 */
export function checkPersonFields(fields: PersonPatch & { staffNo?: string }, requireIdentity: boolean): FieldError[] {
  const errors: FieldError[] = [];
  if (fields.staffNo !== undefined || requireIdentity) {
    if (!fields.staffNo) errors.push({ pointer: '/staffNo', reason: 'required' });
    else if (!STAFF_NO_PATTERN.test(fields.staffNo)) errors.push({ pointer: '/staffNo', reason: 'format' });
  }
  if (fields.name !== undefined || requireIdentity) {
    const name = fields.name?.trim() ?? '';
    if (name === '') errors.push({ pointer: '/name', reason: 'required' });
    else if ([...name].length > MAX_NAME_LENGTH) errors.push({ pointer: '/name', reason: 'too_long' });
  }
  if (fields.mobile && !MOBILE_PATTERN.test(fields.mobile)) errors.push({ pointer: '/mobile', reason: 'format' });
  if (fields.email && (fields.email.length > MAX_EMAIL_LENGTH || !EMAIL_PATTERN.test(fields.email))) {
    errors.push({ pointer: '/email', reason: 'format' });
  }
  if (fields.status !== undefined && !PERSON_STATUSES.includes(fields.status)) {
    errors.push({ pointer: '/status', reason: 'one_of' });
  }
  if (fields.statusFrom !== undefined && !isIsoDate(fields.statusFrom)) {
    errors.push({ pointer: '/statusFrom', reason: 'date' });
  }
  return errors;
}

/**
 * The problems with a post's own fields (whether its unit exists is the caller's question).
 * @example checkPostFields({ orgUnitCode: 'D01', title: ' ' }); // [{ pointer: '/title', reason: 'required' }]
 */
export function checkPostFields(post: PostInput): FieldError[] {
  const errors: FieldError[] = [];
  if (!post.orgUnitCode) errors.push({ pointer: '/orgUnitCode', reason: 'required' });
  const title = post.title?.trim() ?? '';
  if (title === '') errors.push({ pointer: '/title', reason: 'required' });
  else if ([...title].length > MAX_TITLE_LENGTH) errors.push({ pointer: '/title', reason: 'too_long' });
  if (post.validFrom !== undefined && !isIsoDate(post.validFrom)) {
    errors.push({ pointer: '/validFrom', reason: 'date' });
  }
  return errors;
}
