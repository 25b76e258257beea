/**
 * Code lists (GB/T 2261.1 sex, GB/T 2260 administrative divisions, …): the values a schema's
 * `x-code-list` keyword accepts. They belong to the whole district, so changing them needs
 * `exchange.manage` at the root unit. Entries are replaced as a whole, checked whole first.
 */
import { recordAudit } from '../../platform/audit/audit-log.js';
import type { Actor } from '../../platform/authorization.js';
import { type Executor, inTransaction } from '../../platform/db/database.js';
import { type FieldError, NotFoundError, ValidationError } from '../../platform/errors.js';
import {
  insertCodeList,
  replaceEntries,
  selectCodeListForUpdate,
  selectCodeLists,
  selectEntries,
} from './code-list.repository.js';
import './exchange-standards.messages.js';
import {
  CODE_LIST_ID_PATTERN,
  type CodeList,
  type CodeListEntry,
  type CodeListInput,
  codeListIdOf,
  EXCHANGE_MANAGE,
  MAX_CODE_LIST_ENTRIES,
  MAX_CODE_LIST_ID_LENGTH,
  MAX_DESCRIPTION_LENGTH,
  MAX_NAME_LENGTH,
} from './standard.js';
import { assertCatalogueReader, type StandardServiceDeps } from './standard.service.js';
import { codeListChanged } from './standard-validator.js';

export interface CodeListWithEntries extends CodeList {
  entries: CodeListEntry[];
}

const MAX_VALUE_LENGTH = 100;
const MAX_LABEL_LENGTH = 200;

/**
 * Every code list, by id, with its number of entries.
 * @throws ForbiddenError `exchange.catalogue_denied`
 * @example const lists = await listCodeLists(db, actor, deps);
 */
export async function listCodeLists(executor: Executor, actor: Actor, deps: StandardServiceDeps): Promise<CodeList[]> {
  await assertCatalogueReader(executor, actor, deps.policy);
  return selectCodeLists(executor);
}

/**
 * One code list with its entries, in their order.
 * @throws NotFoundError `exchange.code_list_not_found`; ForbiddenError `exchange.catalogue_denied`
 * @example const { entries } = await getCodeList(db, actor, 'gb-t-2261.1', deps);
 */
export async function getCodeList(
  executor: Executor,
  actor: Actor,
  id: string,
  deps: StandardServiceDeps,
): Promise<CodeListWithEntries> {
  await assertCatalogueReader(executor, actor, deps.policy);
  return mustFind(executor, id);
}

/**
 * Registers a code list with its entries. The id is derived from `source` when not given.
 * @throws ValidationError `exchange.code_list_invalid` (every bad field; `/id` `taken`); ForbiddenError `access.denied`
 * @example await createCodeList(db, actor, { source: 'GB/T 2261.1', nameZh: '人的性别代码', nameEn: 'Sex of human', entries: [{ value: '1', labelZh: '男性', labelEn: 'Male', parentValue: null }] }, deps);
 */
export async function createCodeList(
  executor: Executor,
  actor: Actor,
  input: CodeListInput,
  deps: StandardServiceDeps,
): Promise<CodeListWithEntries> {
  const source = text(input.source) || null;
  const id = text(input.id) || (source ? codeListIdOf(source) : '');
  const fields = {
    id,
    nameZh: text(input.nameZh),
    nameEn: text(input.nameEn),
    source,
    description: text(input.description) || null,
  };
  const done = await inTransaction(executor, async (tx) => {
    await deps.policy.assertAllowed(tx, actor, EXCHANGE_MANAGE, null);
    const errors: FieldError[] = [];
    if (!id) errors.push({ pointer: input.id === undefined ? '/source' : '/id', reason: 'required' });
    else if (id.length > MAX_CODE_LIST_ID_LENGTH) errors.push({ pointer: '/id', reason: 'too_long' });
    else if (!CODE_LIST_ID_PATTERN.test(id)) errors.push({ pointer: '/id', reason: 'pattern' });
    for (const name of ['nameZh', 'nameEn'] as const) {
      const length = [...fields[name]].length;
      if (length === 0) errors.push({ pointer: `/${name}`, reason: 'required' });
      else if (length > MAX_NAME_LENGTH) errors.push({ pointer: `/${name}`, reason: 'too_long' });
    }
    if (source && [...source].length > MAX_NAME_LENGTH) errors.push({ pointer: '/source', reason: 'too_long' });
    if (fields.description && [...fields.description].length > MAX_DESCRIPTION_LENGTH) {
      errors.push({ pointer: '/description', reason: 'too_long' });
    }
    const entries = normaliseEntries(input.entries, errors);
    if (errors.length === 0 && (await selectCodeLists(tx, [id])).length > 0) {
      errors.push({ pointer: '/id', reason: 'taken' });
    }
    if (errors.length > 0) throw invalid(errors);
    await insertCodeList(tx, fields);
    await replaceEntries(tx, id, entries);
    await recordAudit(tx, {
      actor,
      action: 'exchange.code_list.create',
      target: { type: 'exchange_code_list', id },
      outcome: 'success',
      details: { id, source, entries: entries.length },
    });
    return mustFind(tx, id);
  });
  return done;
}

/**
 * Replaces every entry of a code list. Validators using the list see the new values at once in this
 * process and within 30 seconds in others.
 * @throws ValidationError `exchange.code_list_invalid` (pointers `/entries/<n>/…`); NotFoundError; ForbiddenError
 * @example await replaceCodeListEntries(db, actor, 'gb-t-2261.1', entries, deps);
 */
export async function replaceCodeListEntries(
  executor: Executor,
  actor: Actor,
  id: string,
  entries: CodeListEntry[],
  deps: StandardServiceDeps,
): Promise<CodeListWithEntries> {
  const result = await inTransaction(executor, async (tx) => {
    await deps.policy.assertAllowed(tx, actor, EXCHANGE_MANAGE, null);
    if (!(await selectCodeListForUpdate(tx, id))) throw new NotFoundError('exchange.code_list_not_found', { id });
    const errors: FieldError[] = [];
    const normalised = normaliseEntries(entries, errors);
    if (errors.length > 0) throw invalid(errors);
    const before = new Set((await selectEntries(tx, id)).map((entry) => entry.value));
    const after = new Set(normalised.map((entry) => entry.value));
    await replaceEntries(tx, id, normalised);
    await recordAudit(tx, {
      actor,
      action: 'exchange.code_list.replace_entries',
      target: { type: 'exchange_code_list', id },
      outcome: 'success',
      details: {
        id,
        entries: normalised.length,
        added: [...after].filter((value) => !before.has(value)).length,
        // Values taken away may make payloads that were valid invalid: the audit names them.
        removed: [...before].filter((value) => !after.has(value)).slice(0, 200),
      },
    });
    return mustFind(tx, id);
  });
  // Only once committed: a rolled-back change must not reach the validators.
  if (!executor.isTransaction) await codeListChanged(executor, id);
  return result;
}

function normaliseEntries(entries: unknown, errors: FieldError[]): CodeListEntry[] {
  if (!Array.isArray(entries)) {
    errors.push({ pointer: '/entries', reason: 'required' });
    return [];
  }
  if (entries.length > MAX_CODE_LIST_ENTRIES) {
    errors.push({ pointer: '/entries', reason: 'too_many' });
    return [];
  }
  const result: CodeListEntry[] = entries.map((raw: Partial<CodeListEntry> | null, index) => {
    const entry = raw ?? {};
    const at = `/entries/${index}`;
    const value = typeof entry.value === 'string' ? entry.value.trim() : '';
    const labelZh = text(entry.labelZh);
    const labelEn = text(entry.labelEn) || null;
    const parentValue =
      typeof entry.parentValue === 'string' && entry.parentValue.trim() ? entry.parentValue.trim() : null;
    if (!value) errors.push({ pointer: `${at}/value`, reason: 'required' });
    else if (value.length > MAX_VALUE_LENGTH) errors.push({ pointer: `${at}/value`, reason: 'too_long' });
    if (!labelZh) errors.push({ pointer: `${at}/labelZh`, reason: 'required' });
    else if ([...labelZh].length > MAX_LABEL_LENGTH) errors.push({ pointer: `${at}/labelZh`, reason: 'too_long' });
    if (labelEn && [...labelEn].length > MAX_LABEL_LENGTH)
      errors.push({ pointer: `${at}/labelEn`, reason: 'too_long' });
    return { value, labelZh, labelEn, parentValue };
  });
  const positions = new Map<string, number>();
  result.forEach((entry, index) => {
    if (!entry.value) return;
    if (positions.has(entry.value)) errors.push({ pointer: `/entries/${index}/value`, reason: 'duplicate' });
    else positions.set(entry.value, index);
  });
  const parentOf = new Map(result.map((entry) => [entry.value, entry.parentValue]));
  result.forEach((entry, index) => {
    if (entry.parentValue === null) return;
    const at = `/entries/${index}/parentValue`;
    if (!positions.has(entry.parentValue)) {
      errors.push({ pointer: at, reason: 'not_found' });
      return;
    }
    // A hierarchy, not a loop: walking up from any entry ends at a root.
    const seen = new Set([entry.value]);
    for (let parent: string | null | undefined = entry.parentValue; parent; parent = parentOf.get(parent)) {
      if (seen.has(parent)) {
        errors.push({ pointer: at, reason: 'cycle' });
        break;
      }
      seen.add(parent);
    }
  });
  return result;
}

async function mustFind(executor: Executor, id: string): Promise<CodeListWithEntries> {
  const [list] = CODE_LIST_ID_PATTERN.test(id) ? await selectCodeLists(executor, [id]) : [];
  if (!list) throw new NotFoundError('exchange.code_list_not_found', { id });
  return { ...list, entries: await selectEntries(executor, id) };
}

function text(value: unknown): string {
  return typeof value === 'string' ? value.trim() : '';
}

function invalid(errors: FieldError[]): ValidationError {
  return new ValidationError('exchange.code_list_invalid', errors, { count: errors.length });
}
