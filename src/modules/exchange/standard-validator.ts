/**
 * JSON Schema 2020-12 for the data standards: checking a draft's schema (meta-schema, strict mode,
 * no remote references, known data elements and code lists, a size limit) and compiling published
 * versions into payload validators, once per standard version and process.
 *
 * Two keywords of our own: `x-data-element` (an annotation naming the dictionary entry a property
 * carries) and `x-code-list` (the value must be an entry of that code list). Code lists are loaded
 * when a validator is compiled and reloaded when they change: a list is shared by many versions and
 * grows (a new district code) without a new version of every standard that uses it.
 */
import { Ajv2020, type ErrorObject } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import type { Executor } from '../../platform/db/database.js';
import type { FieldError } from '../../platform/errors.js';
import { isValidCreditCode } from '../../platform/identifiers/credit-code.js';
import { isValidResidentId } from '../../platform/identifiers/resident-id.js';
import { selectCodeLists, selectListsChangedAt, selectValues } from './code-list.repository.js';
import { selectDataElements } from './data-element.repository.js';
import { MAX_SCHEMA_BYTES, type PublishedStandard } from './standard.js';
import { selectReleasedVersion } from './standard.repository.js';

// ajv-formats is CommonJS: under NodeNext its default import is the module object on some loaders.
const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ??
  addFormatsModule) as unknown as (ajv: Ajv2020) => Ajv2020;

export const DATA_ELEMENT_KEYWORD = 'x-data-element';
export const CODE_LIST_KEYWORD = 'x-code-list';
const DRAFT_2020_12 = 'https://json-schema.org/draft/2020-12/schema';
/** How often a compiled validator asks whether its code lists changed in another process. */
const CODE_LIST_REFRESH_MS = 30_000;

/** A compiled payload check: every failing field, as JSON Pointers under `/data`, never the value. */
export type PayloadValidator = (payload: unknown) => FieldError[];

/**
 * An ajv instance with the platform's formats and keywords. `lists` is read at validation time, so
 * replacing a set in it updates every validator compiled by this instance.
 */
function createAjv(lists: ReadonlyMap<string, ReadonlySet<string>>): Ajv2020 {
  const ajv = new Ajv2020({
    strict: true,
    allErrors: true,
    logger: false,
    // Remote schemas are never fetched: a standard is whole in itself.
    loadSchema: undefined,
  });
  addFormats(ajv);
  // GB 11643-1999 and GB 32100-2015 check characters, beyond what a pattern can say.
  ajv.addFormat('resident-id', { type: 'string', validate: (text: string) => isValidResidentId(text) });
  ajv.addFormat('credit-code', { type: 'string', validate: (text: string) => isValidCreditCode(text) });
  ajv.addKeyword({ keyword: DATA_ELEMENT_KEYWORD, schemaType: 'string' });
  ajv.addKeyword({
    keyword: CODE_LIST_KEYWORD,
    schemaType: 'string',
    type: ['string', 'number'],
    errors: false,
    validate: (listId: string, data: unknown) => lists.get(listId)?.has(String(data)) ?? false,
  });
  return ajv;
}

interface SchemaReferences {
  dataElements: Array<{ pointer: string; id: unknown }>;
  codeLists: Array<{ pointer: string; id: unknown }>;
  remoteRefs: string[];
  /** Schemas naming both a data element and a code list: the two must agree. */
  pairs: Array<{ pointer: string; element: unknown; list: unknown }>;
}

/** Keywords whose values are data, not schemas: nothing inside them is a keyword. */
const DATA_KEYWORDS = new Set(['enum', 'const', 'default', 'examples']);

function referencesOf(schema: unknown): SchemaReferences {
  const found: SchemaReferences = { dataElements: [], codeLists: [], remoteRefs: [], pairs: [] };
  const walk = (node: unknown, pointer: string) => {
    if (Array.isArray(node)) {
      node.forEach((item, index) => {
        walk(item, `${pointer}/${index}`);
      });
      return;
    }
    if (node === null || typeof node !== 'object') return;
    const record = node as Record<string, unknown>;
    if (DATA_ELEMENT_KEYWORD in record && CODE_LIST_KEYWORD in record) {
      found.pairs.push({
        pointer: `${pointer}/${CODE_LIST_KEYWORD}`,
        element: record[DATA_ELEMENT_KEYWORD],
        list: record[CODE_LIST_KEYWORD],
      });
    }
    for (const [key, value] of Object.entries(node)) {
      const at = `${pointer}/${escapePointer(key)}`;
      if (key === DATA_ELEMENT_KEYWORD) found.dataElements.push({ pointer: at, id: value });
      else if (key === CODE_LIST_KEYWORD) found.codeLists.push({ pointer: at, id: value });
      else if ((key === '$ref' || key === '$dynamicRef') && (typeof value !== 'string' || !value.startsWith('#'))) {
        found.remoteRefs.push(at);
      } else if (key === '$id' && typeof value === 'string' && /^[a-z][a-z0-9+.-]*:/i.test(value) && pointer !== '') {
        // An embedded absolute $id makes later relative refs resolve elsewhere: only the root may have one.
        found.remoteRefs.push(at);
      }
      if (!DATA_KEYWORDS.has(key)) walk(value, at);
    }
  };
  walk(schema, '');
  return found;
}

/** The code lists a schema draws values from. */
export function codeListsOf(schema: unknown): string[] {
  return [...new Set(referencesOf(schema).codeLists.flatMap(({ id }) => (typeof id === 'string' ? [id] : [])))];
}

/** The data elements a schema names. */
export function dataElementsOf(schema: unknown): string[] {
  return [...new Set(referencesOf(schema).dataElements.flatMap(({ id }) => (typeof id === 'string' ? [id] : [])))];
}

/**
 * Why a draft schema is refused, as field errors under `pointer` (e.g. `/schema`); empty when it is
 * fine: an object schema, at most 256 KiB, valid against the 2020-12 meta-schema, compiling in strict
 * mode, with local references only and known data elements and code lists.
 * @example const errors = await checkSchema(db, { type: 'object', properties: {} }); // []
 */
export async function checkSchema(executor: Executor, schema: unknown, pointer = '/schema'): Promise<FieldError[]> {
  if (schema === null || typeof schema !== 'object' || Array.isArray(schema)) {
    return [{ pointer, reason: 'not_object', message: 'A standard schema is a JSON object.' }];
  }
  const bytes = Buffer.byteLength(JSON.stringify(schema), 'utf8');
  if (bytes > MAX_SCHEMA_BYTES) {
    return [{ pointer, reason: 'too_large', message: `The schema is ${bytes} bytes; at most ${MAX_SCHEMA_BYTES}.` }];
  }
  const root = schema as Record<string, unknown>;
  const errors: FieldError[] = [];
  if ('$schema' in root && root.$schema !== DRAFT_2020_12) {
    // Another dialect's keywords mean other things: nothing else about the schema can be judged.
    return [{ pointer: `${pointer}/$schema`, reason: 'dialect', message: `Only ${DRAFT_2020_12} is accepted.` }];
  }
  if (root.type !== 'object') {
    errors.push({ pointer: `${pointer}/type`, reason: 'root_not_object', message: 'A payload is a JSON object.' });
  }
  const references = referencesOf(schema);
  for (const at of references.remoteRefs) {
    errors.push({
      pointer: `${pointer}${at}`,
      reason: 'remote_ref',
      message: 'Only local references (#…) are allowed.',
    });
  }
  const elementIds = references.dataElements.flatMap(({ id }) => (typeof id === 'string' ? [id] : []));
  const listIds = references.codeLists.flatMap(({ id }) => (typeof id === 'string' ? [id] : []));
  const [elements, lists] = await Promise.all([
    selectDataElements(executor, [...new Set(elementIds)]),
    selectCodeLists(executor, [...new Set(listIds)]),
  ]);
  const knownElements = new Set(elements.map((element) => element.id));
  const knownLists = new Set(lists.map((list) => list.id));
  for (const { pointer: at, id } of references.dataElements) {
    if (typeof id === 'string' && !knownElements.has(id)) {
      errors.push({ pointer: `${pointer}${at}`, reason: 'unknown_data_element' });
    }
  }
  const listOfElement = new Map(elements.map((element) => [element.id, element.codeListId]));
  for (const { pointer: at, element, list } of references.pairs) {
    const expected = typeof element === 'string' ? listOfElement.get(element) : undefined;
    // The dictionary says which list an element draws from; a schema may not quietly use another.
    if (expected && expected !== list) errors.push({ pointer: `${pointer}${at}`, reason: 'code_list_mismatch' });
  }
  for (const { pointer: at, id } of references.codeLists) {
    if (typeof id === 'string' && !knownLists.has(id))
      errors.push({ pointer: `${pointer}${at}`, reason: 'unknown_code_list' });
  }
  // A fresh instance per check: compiled drafts must not pile up in a shared instance's cache.
  const ajv = createAjv(new Map());
  let valid: boolean;
  try {
    valid = ajv.validateSchema(schema) as boolean;
  } catch (error) {
    return [...errors, { pointer, reason: 'meta_schema', message: (error as Error).message.slice(0, 500) }];
  }
  if (!valid) {
    for (const error of ajv.errors ?? []) {
      errors.push({
        pointer: `${pointer}${error.instancePath}`,
        reason: 'meta_schema',
        message: error.message ?? error.keyword,
      });
    }
    return dedupe(errors);
  }
  // A remote reference cannot be resolved, so compiling would only repeat it; anything else is worth
  // compiling too, so strict-mode problems are reported together with unknown names.
  if (references.remoteRefs.length > 0) return dedupe(errors);
  try {
    ajv.compile(schema);
  } catch (error) {
    errors.push({ pointer, reason: 'strict', message: (error as Error).message.slice(0, 500) });
  }
  return dedupe(errors);
}

const releasedStandards = new Map<string, Promise<PublishedStandard | undefined>>();

/**
 * A published (or deprecated) standard version, read once per process and cached: released versions
 * never change, and a standard's owner and classification are fixed when it is created. undefined
 * when the standard or version is unknown or the version is still a draft (not cached, so a version
 * published a moment later is found).
 * @example const standard = await publishedStandard(db, 'population-basic', 1); // { classification: 'sensitive', … }
 */
export async function publishedStandard(
  executor: Executor,
  code: string,
  version: number,
): Promise<PublishedStandard | undefined> {
  const key = `${code}\u0000${version}`;
  let pending = releasedStandards.get(key);
  if (!pending) {
    pending = selectReleasedVersion(executor, code, version).then(
      (released) =>
        released && {
          code,
          version,
          nameZh: released.standard.nameZh,
          nameEn: released.standard.nameEn,
          ownerOrgUnitCode: released.standard.ownerOrgUnitCode,
          classification: released.standard.classification,
          schema: deepFreeze(released.schema),
        },
    );
    releasedStandards.set(key, pending);
    pending.then(
      (standard) => standard || releasedStandards.delete(key),
      () => releasedStandards.delete(key),
    );
  }
  return pending;
}

/** Shared between callers through the cache: nobody may change it under another. */
function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

interface CompiledEntry {
  validate: PayloadValidator;
  lists: Map<string, ReadonlySet<string>>;
  listIds: string[];
  listsChangedAt: number;
  checkedAt: number;
}

const validators = new Map<string, Promise<CompiledEntry | undefined>>();

/**
 * The payload check of a published (or deprecated) standard version, compiled once per process and
 * cached: published versions never change. undefined when the version is unknown or still a draft.
 * @example
 * const validate = await payloadValidator(db, 'population-basic', 1);
 * const errors = validate?.({ name: '王丽' }); // [{ pointer: '/data/idNumber', reason: 'required' }, …]
 */
export async function payloadValidator(
  executor: Executor,
  code: string,
  version: number,
): Promise<PayloadValidator | undefined> {
  const key = `${code}\u0000${version}`;
  let pending = validators.get(key);
  if (!pending) {
    pending = compileReleased(executor, code, version);
    validators.set(key, pending);
    // Not cached when absent or failed: the version may be published a moment later.
    pending.then(
      (entry) => entry || validators.delete(key),
      () => validators.delete(key),
    );
  }
  const entry = await pending;
  if (!entry) return undefined;
  if (entry.listIds.length > 0 && Date.now() - entry.checkedAt > CODE_LIST_REFRESH_MS) {
    entry.checkedAt = Date.now();
    await refreshLists(executor, entry);
  }
  return entry.validate;
}

/**
 * Reloads the code lists of every cached validator that uses `listId` now, for changes made in this
 * process (other processes notice within 30 seconds).
 */
export async function codeListChanged(executor: Executor, listId: string): Promise<void> {
  for (const pending of validators.values()) {
    const entry = await pending.catch(() => undefined);
    if (entry?.listIds.includes(listId)) await refreshLists(executor, entry);
  }
}

async function refreshLists(executor: Executor, entry: CompiledEntry): Promise<void> {
  const changedAt = await selectListsChangedAt(executor, entry.listIds);
  if (changedAt === entry.listsChangedAt) return;
  const values = await selectValues(executor, entry.listIds);
  for (const [id, set] of values) entry.lists.set(id, set);
  entry.listsChangedAt = changedAt;
}

async function compileReleased(executor: Executor, code: string, version: number): Promise<CompiledEntry | undefined> {
  const released = await selectReleasedVersion(executor, code, version);
  if (!released) return undefined;
  const listIds = codeListsOf(released.schema);
  const [values, listsChangedAt] = await Promise.all([
    selectValues(executor, listIds),
    selectListsChangedAt(executor, listIds),
  ]);
  const lists = new Map<string, ReadonlySet<string>>(values);
  const compiled = createAjv(lists).compile(released.schema);
  const validate: PayloadValidator = (payload) =>
    compiled(payload) ? [] : dedupe((compiled.errors ?? []).map(fieldErrorOf));
  return { validate, lists, listIds, listsChangedAt, checkedAt: Date.now() };
}

/** Stable reasons per JSON Schema keyword; the messages are ajv's, which name limits, never the value. */
const REASONS: Record<string, string> = {
  required: 'required',
  dependentRequired: 'required',
  type: 'type',
  enum: 'one_of',
  const: 'one_of',
  pattern: 'pattern',
  format: 'format',
  minLength: 'too_short',
  maxLength: 'too_long',
  minimum: 'range',
  maximum: 'range',
  exclusiveMinimum: 'range',
  exclusiveMaximum: 'range',
  multipleOf: 'range',
  minItems: 'too_few',
  maxItems: 'too_many',
  uniqueItems: 'duplicate',
  minProperties: 'too_few',
  maxProperties: 'too_many',
  additionalProperties: 'unknown_field',
  unevaluatedProperties: 'unknown_field',
  additionalItems: 'too_many',
  unevaluatedItems: 'too_many',
  oneOf: 'no_match',
  anyOf: 'no_match',
  not: 'no_match',
  [CODE_LIST_KEYWORD]: 'not_in_code_list',
};

function fieldErrorOf(error: ErrorObject): FieldError {
  const params = error.params as Record<string, unknown>;
  const missing = typeof params.missingProperty === 'string' ? `/${escapePointer(params.missingProperty)}` : '';
  const extra =
    typeof params.additionalProperty === 'string'
      ? `/${escapePointer(params.additionalProperty)}`
      : typeof params.unevaluatedProperty === 'string'
        ? `/${escapePointer(params.unevaluatedProperty)}`
        : '';
  const reason = REASONS[error.keyword] ?? error.keyword;
  const message = error.keyword === CODE_LIST_KEYWORD ? 'must be a value of the code list' : error.message;
  return { pointer: `/data${error.instancePath}${missing}${extra}`, reason, ...(message ? { message } : {}) };
}

function dedupe(errors: FieldError[]): FieldError[] {
  const seen = new Set<string>();
  return errors.filter((error) => {
    const key = `${error.pointer}\u0000${error.reason}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** RFC 6901 §3: `~` and `/` inside a reference token. */
function escapePointer(token: string): string {
  return token.replace(/~/g, '~0').replace(/\//g, '~1');
}
