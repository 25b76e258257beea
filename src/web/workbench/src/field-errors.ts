/**
 * A problem's field errors onto the form that sent the request: the server names each bad field with a
 * JSON Pointer into the request (`/body/firstPost/orgUnitCode`, or `/name` from a service), the form
 * names it with a path (`['firstPost', 'orgUnitCode']`). Errors no field of the form shows stay in
 * the problem alert, so nothing the server said is lost.
 */
import type { FormInstance } from 'antd';
import type { ApiProblem, ProblemField } from './api-client';
import { hasMessage, type MessageKey } from './messages';

type Translate = (key: MessageKey, params?: Record<string, string | number>) => string;

/**
 * The form path a pointer names, without the request part it points into.
 * @example fieldPathOf('/body/firstPost/orgUnitCode') // ['firstPost', 'orgUnitCode']
 * @example fieldPathOf('/redirectUris/2') // ['redirectUris', 2]
 */
export function fieldPathOf(pointer: string): Array<string | number> {
  const segments = pointer
    .split('/')
    .slice(1)
    .map((segment) => segment.replace(/~1/g, '/').replace(/~0/g, '~'));
  if (segments[0] === 'body' || segments[0] === 'querystring') segments.shift();
  return segments.map((segment) => (/^\d+$/.test(segment) ? Number(segment) : segment));
}

/**
 * Why a field was refused, in words: the catalogue's text for the reason code, else the server's own
 * (English) message, else the code itself, which at least can be looked up in docs/errors.md.
 */
export function reasonText(t: Translate, field: Pick<ProblemField, 'reason' | 'message'>): string {
  const key = `field.reason.${field.reason}`;
  if (hasMessage(key)) return t(key);
  return field.message ? `${field.message} (${field.reason})` : t('field.reason.other', { reason: field.reason });
}

/**
 * Marks the form's fields the problem names and returns the errors no field of the form shows.
 * A list field (`redirectUris/2`) is shown on the list's own field.
 * @example const rest = showFieldErrors(form, problem, t, ['name', 'mobile', 'email']);
 */
export function showFieldErrors(
  form: FormInstance,
  problem: ApiProblem,
  t: Translate,
  fieldNames: readonly string[],
): ProblemField[] {
  const byField = new Map<string, { name: Array<string | number>; errors: string[] }>();
  const rest: ProblemField[] = [];
  for (const error of problem.errors) {
    const path = fieldPathOf(error.pointer);
    // A path into a list names the list; a nested object keeps its path (firstPost.orgUnitCode).
    const firstNumber = path.findIndex((segment) => typeof segment === 'number');
    const name = firstNumber === -1 ? path : path.slice(0, firstNumber);
    const dotted = name.join('.');
    if (!fieldNames.includes(dotted)) {
      rest.push(error);
      continue;
    }
    const entry = byField.get(dotted) ?? { name, errors: [] };
    entry.errors.push(reasonText(t, error));
    byField.set(dotted, entry);
  }
  form.setFields([...byField.values()]);
  return rest;
}
