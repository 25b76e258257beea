/**
 * Mappings: kept, listed and removed by staff holding `exchange.manage` (read with `exchange.read`)
 * over the member's owner unit, read and dry-run by the member system itself; and run, compiled
 * once and cached, by publish (inbound) and delivery (outbound).
 */
import { recordAudit } from '../../platform/audit/audit-log.js';
import type { Actor, Policy } from '../../platform/authorization.js';
import { type Executor, inTransaction } from '../../platform/db/database.js';
import { DomainError, type FieldError, ForbiddenError, NotFoundError, ValidationError } from '../../platform/errors.js';
import { afterConfigChange } from './config-cache.js';
import { evaluateExpression } from './jsonata-expression.js';
import {
  checkMappingInput,
  type Mapping,
  type MappingDirection,
  type MappingInput,
  type MappingKey,
  type MappingOptions,
  normaliseOptions,
} from './mapping.js';
import {
  deleteMapping as deleteMappingRow,
  selectMapping,
  selectMappingsOfMember,
  selectMemberOwner,
  standardVersionExists,
  upsertMapping,
} from './mapping.repository.js';
import { EXCHANGE_MANAGE_PERMISSION, EXCHANGE_READ_PERMISSION } from './member.js';
import { type NativeFormat, parseNative, renderNative } from './native-format.js';
import { payloadValidator } from './standard-validator.js';
import './exchange-mappings.messages.js';

export type { Mapping, MappingDirection, MappingInput, MappingKey, MappingOptions } from './mapping.js';

/**
 * Who asks: a staff member (actor type `user`, checked against the policy) or a member system
 * (actor type `machine`, id = its client id = its member id), which reaches its own mappings only
 * and changes none.
 */
export interface MappingDeps {
  policy: Policy;
}

export interface CompiledMapping {
  format: NativeFormat;
  direction: MappingDirection;
  /**
   * Native text (xml, csv) or JSON value (json) in, the standard payload out.
   * @throws ValidationError `exchange.payload_malformed`, `exchange.mapping_failed` or `exchange.mapping_empty`
   */
  toStandard(native: unknown): Promise<unknown>;
  /**
   * The standard payload in, the native body out.
   * @throws ValidationError `exchange.mapping_failed` or `exchange.mapping_empty`
   */
  fromStandard(payload: unknown): Promise<{ contentType: string; body: string }>;
}

/**
 * A member's mappings, for its owner unit's readers and the member system itself.
 * @throws NotFoundError `exchange.mapping_member_unknown`; ForbiddenError
 * @example const mappings = await listMappings(db, { type: 'user', id: personId }, { policy }, 'gaj-rkxt');
 */
export async function listMappings(
  executor: Executor,
  actor: Actor,
  deps: MappingDeps,
  memberId: string,
): Promise<Mapping[]> {
  await assertMayRead(executor, actor, deps, memberId);
  return selectMappingsOfMember(executor, memberId);
}

/**
 * Saves (creates or replaces) a mapping and audits it, in one transaction. A replacement bumps the
 * revision, so every process compiles the new expression on its next message.
 * @throws NotFoundError (member or standard version); ForbiddenError; ValidationError
 *   `exchange.mapping_invalid` naming `/expression`, `/format` or `/options/…`
 * @example await saveMapping(db, actor, { policy }, { memberId: 'gaj-rkxt', standardCode: 'population-basic', standardVersion: 1, direction: 'inbound' }, { format: 'xml', expression: 'RKXX.{ "name": XM }' });
 */
export async function saveMapping(
  executor: Executor,
  actor: Actor,
  deps: MappingDeps,
  key: MappingKey,
  input: MappingInput,
  options: { requestId?: string } = {},
): Promise<{ mapping: Mapping; created: boolean }> {
  const change = inTransaction(executor, async (tx) => {
    await assertMayManage(tx, actor, deps, key.memberId);
    await assertStandardVersion(tx, key.standardCode, key.standardVersion);
    const errors = checkMappingInput(input);
    if (errors.length > 0) throw new ValidationError('exchange.mapping_invalid', errors, { count: errors.length });
    const saved = await upsertMapping(
      tx,
      key,
      { format: input.format, expression: input.expression, options: normaliseOptions(input.options) },
      `${actor.type}:${actor.id}`,
    );
    await recordAudit(tx, {
      actor,
      action: 'exchange.mapping.save',
      target: { type: 'exchange_mapping', id: targetId(key) },
      outcome: 'success',
      ...(options.requestId ? { requestId: options.requestId } : {}),
      details: { ...keyDetails(key), format: input.format, revision: saved.mapping.revision, created: saved.created },
    });
    return saved;
  });
  return afterConfigChange(change);
}

/**
 * Removes a mapping and audits it, in one transaction: the member's payloads must then be the standard's JSON.
 * @throws NotFoundError (member or mapping); ForbiddenError
 * @example await deleteMapping(db, actor, { policy }, key);
 */
export async function deleteMapping(
  executor: Executor,
  actor: Actor,
  deps: MappingDeps,
  key: MappingKey,
  options: { requestId?: string } = {},
): Promise<void> {
  const change = inTransaction(executor, async (tx) => {
    await assertMayManage(tx, actor, deps, key.memberId);
    if (!(await deleteMappingRow(tx, key))) throw mappingNotFound(key);
    await recordAudit(tx, {
      actor,
      action: 'exchange.mapping.delete',
      target: { type: 'exchange_mapping', id: targetId(key) },
      outcome: 'success',
      ...(options.requestId ? { requestId: options.requestId } : {}),
      details: keyDetails(key),
    });
  });
  await afterConfigChange(change);
}

export interface DryRunInput extends MappingKey {
  /** Without it, the saved mapping's (json when nothing is saved). */
  format?: NativeFormat;
  /** Without it, the saved mapping's expression. */
  expression?: string;
  /** Without them, the saved mapping's when the format is the saved one. */
  options?: MappingOptions;
  /** Inbound: the native payload (text for xml and csv, a JSON value for json). Outbound: the standard payload. */
  sample: unknown;
}

export interface DryRunResult {
  ok: boolean;
  /** Inbound: the standard payload; outbound: the native body and its content type. */
  result?: unknown;
  /** Mapping errors (`/sample`, `/expression`, `/options/…`) or, inbound, the standard's schema errors (`/data/…`). */
  errors: FieldError[];
  /** Whether the result was checked against the standard's schema (inbound, on a released version). */
  schemaChecked: boolean;
}

/**
 * Runs a mapping on a sample without storing anything: the mapped result, or every error found.
 * @throws NotFoundError (member, standard version, or saved mapping when no expression is given); ForbiddenError
 * @example const { ok, result, errors } = await dryRunMapping(db, actor, { policy }, { ...key, sample: '<RKXX>…</RKXX>' });
 */
export async function dryRunMapping(
  executor: Executor,
  actor: Actor,
  deps: MappingDeps,
  input: DryRunInput,
): Promise<DryRunResult> {
  const key: MappingKey = {
    memberId: input.memberId,
    standardCode: input.standardCode,
    standardVersion: input.standardVersion,
    direction: input.direction,
  };
  await assertMayRead(executor, actor, deps, key.memberId);
  await assertStandardVersion(executor, key.standardCode, key.standardVersion);
  const saved = await selectMapping(executor, key);
  if (input.expression === undefined && !saved) throw mappingNotFound(key);
  const format = input.format ?? saved?.format ?? 'json';
  const mappingInput: MappingInput = {
    format,
    expression: input.expression ?? saved!.expression,
    // Saved options suit the saved format only.
    options: input.options ?? (saved?.format === format ? saved.options : {}),
  };
  const inputErrors = checkMappingInput(mappingInput);
  if (inputErrors.length > 0) return { ok: false, errors: inputErrors, schemaChecked: false };
  const mapping = compile(key.direction, mappingInput);
  if (key.direction === 'outbound') {
    const outcome = await attempt(() => mapping.fromStandard(input.sample));
    return 'errors' in outcome
      ? { ok: false, errors: outcome.errors, schemaChecked: false }
      : { ok: true, result: outcome.value, errors: [], schemaChecked: false };
  }
  const outcome = await attempt(() => mapping.toStandard(input.sample));
  if ('errors' in outcome) return { ok: false, errors: outcome.errors, schemaChecked: false };
  // What a publish would validate and log: JSON's own view of the mapped value.
  const result = JSON.parse(JSON.stringify(outcome.value)) as unknown;
  const validate = await payloadValidator(executor, key.standardCode, key.standardVersion);
  const errors = validate ? validate(result) : [];
  return { ok: errors.length === 0, result, errors, schemaChecked: validate !== undefined };
}

/**
 * The inbound mapping of a member for a standard version, compiled once and cached; undefined when none.
 * One indexed read per call tells whether the cached one is still current.
 * @example const mapping = await inboundMapping(db, 'gaj-rkxt', 'population-basic', 1); const payload = await mapping?.toStandard(xml);
 */
export async function inboundMapping(
  executor: Executor,
  memberId: string,
  code: string,
  version: number,
): Promise<CompiledMapping | undefined> {
  return cachedMapping(executor, { memberId, standardCode: code, standardVersion: version, direction: 'inbound' });
}

/**
 * The outbound mapping of a member for a standard version, compiled once and cached; undefined when none.
 * @example const native = await (await outboundMapping(db, 'mzj-dbxt', 'population-basic', 1))?.fromStandard(payload);
 */
export async function outboundMapping(
  executor: Executor,
  memberId: string,
  code: string,
  version: number,
): Promise<CompiledMapping | undefined> {
  return cachedMapping(executor, { memberId, standardCode: code, standardVersion: version, direction: 'outbound' });
}

interface CacheEntry {
  format: NativeFormat;
  expression: string;
  optionsJson: string;
  compiled: CompiledMapping;
}

/** Mappings kept compiled; beyond this the least recently used go. */
const MAX_CACHED_MAPPINGS = 2000;
const compiledMappings = new Map<string, CacheEntry>();

async function cachedMapping(executor: Executor, key: MappingKey): Promise<CompiledMapping | undefined> {
  const cacheKey = targetId(key);
  const row = await selectMapping(executor, key);
  if (!row) {
    compiledMappings.delete(cacheKey);
    return undefined;
  }
  const optionsJson = JSON.stringify(row.options);
  const hit = compiledMappings.get(cacheKey);
  compiledMappings.delete(cacheKey);
  // The source itself is compared, not only the revision: a mapping deleted and made again starts
  // at revision 1, and must not be mistaken for the one it replaced.
  if (hit && hit.format === row.format && hit.expression === row.expression && hit.optionsJson === optionsJson) {
    compiledMappings.set(cacheKey, hit);
    return hit.compiled;
  }
  const compiled = compile(key.direction, row);
  compiledMappings.set(cacheKey, { format: row.format, expression: row.expression, optionsJson, compiled });
  if (compiledMappings.size > MAX_CACHED_MAPPINGS) compiledMappings.delete(compiledMappings.keys().next().value!);
  return compiled;
}

function compile(direction: MappingDirection, source: MappingInput): CompiledMapping {
  const { format, expression } = source;
  const options = source.options ?? {};
  const run = async (input: unknown): Promise<unknown> => {
    let result: unknown;
    try {
      result = await evaluateExpression(expression, input);
    } catch (error) {
      if (error instanceof ValidationError)
        throw new ValidationError('exchange.mapping_failed', error.fields, error.params);
      throw error;
    }
    if (result === undefined) {
      throw new ValidationError('exchange.mapping_empty', [{ pointer: '/expression', reason: 'empty' }]);
    }
    return result;
  };
  return {
    format,
    direction,
    async toStandard(native) {
      // JSON arrives parsed (a CloudEvent's `data`); XML and CSV arrive as text.
      const input = format === 'json' ? native : parseNative(format, native as string, options);
      return run(input);
    },
    async fromStandard(payload) {
      return renderNative(format, await run(payload), options);
    },
  };
}

/** A dry run reports what went wrong instead of throwing: payload errors point into `/sample`. */
async function attempt<T>(work: () => Promise<T>): Promise<{ value: T } | { errors: FieldError[] }> {
  try {
    return { value: await work() };
  } catch (error) {
    if (error instanceof ValidationError) {
      const base = error.code === 'exchange.payload_malformed' ? '/sample' : '';
      const errors = error.fields.map((field) =>
        base === '' ? field : { ...field, pointer: `${base}${field.pointer === '/' ? '' : field.pointer}` },
      );
      return { errors: errors.length > 0 ? errors : [{ pointer: base, reason: error.code }] };
    }
    if (error instanceof DomainError && error.kind === 'too_large')
      return { errors: [{ pointer: '/sample', reason: 'too_large' }] };
    throw error;
  }
}

/** The member's owner unit, for the permission check; a member system may only read its own. */
async function assertMayRead(executor: Executor, actor: Actor, deps: MappingDeps, memberId: string): Promise<void> {
  if (actor.type === 'machine') {
    if (actor.id !== memberId) throw new ForbiddenError('exchange.mapping_other_member');
    if (!(await selectMemberOwner(executor, memberId))) throw memberUnknown(memberId);
    return;
  }
  const member = await selectMemberOwner(executor, memberId);
  if (!member) throw memberUnknown(memberId);
  await deps.policy.assertAllowed(executor, actor, EXCHANGE_READ_PERMISSION, member.ownerOrgUnitCode);
}

async function assertMayManage(executor: Executor, actor: Actor, deps: MappingDeps, memberId: string): Promise<void> {
  if (actor.type === 'machine') throw new ForbiddenError('exchange.mapping_client_read_only');
  const member = await selectMemberOwner(executor, memberId);
  if (!member) throw memberUnknown(memberId);
  await deps.policy.assertAllowed(executor, actor, EXCHANGE_MANAGE_PERMISSION, member.ownerOrgUnitCode);
}

async function assertStandardVersion(executor: Executor, code: string, version: number): Promise<void> {
  if (!(await standardVersionExists(executor, code, version))) {
    throw new NotFoundError('exchange.mapping_standard_unknown', { standard: code, version });
  }
}

function memberUnknown(memberId: string): NotFoundError {
  return new NotFoundError('exchange.mapping_member_unknown', { memberId });
}

function mappingNotFound(key: MappingKey): NotFoundError {
  return new NotFoundError('exchange.mapping_not_found', {
    memberId: key.memberId,
    standard: key.standardCode,
    version: key.standardVersion,
    direction: key.direction,
  });
}

function targetId(key: MappingKey): string {
  return `${key.memberId}/${key.standardCode}/${key.standardVersion}/${key.direction}`;
}

function keyDetails(key: MappingKey): Record<string, unknown> {
  return {
    memberId: key.memberId,
    standardCode: key.standardCode,
    standardVersion: key.standardVersion,
    direction: key.direction,
  };
}
