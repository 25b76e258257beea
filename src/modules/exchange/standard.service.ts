/**
 * The data standards: creating a standard, drafting versions of its schema, publishing them (with
 * the compatibility report against the previous published version), deprecating them, and reading
 * the catalogue. Writes need `exchange.manage` over the standard's owner unit, are checked whole
 * before anything is written (every bad field reported at once) and are audited in the same
 * transaction. Reading needs `exchange.read` over some unit, or a registered system's token: every
 * member needs the catalogue, and schemas are not secret even when the data they describe is.
 */
import { recordAudit } from '../../platform/audit/audit-log.js';
import type { Actor, Policy } from '../../platform/authorization.js';
import { type Executor, inTransaction } from '../../platform/db/database.js';
import {
  ConflictError,
  type FieldError,
  ForbiddenError,
  NotFoundError,
  ValidationError,
} from '../../platform/errors.js';
import { getOrgUnit } from '../directory/index.js';
import { isStandardCode, isStandardVersion, MAX_STANDARD_CODE_LENGTH } from './event-type.js';
import './exchange-standards.messages.js';
import { compareSchemas } from './schema-compatibility.js';
import {
  CLASSIFICATIONS,
  type Classification,
  type CompatibilityReport,
  type DraftInput,
  EXCHANGE_MANAGE,
  EXCHANGE_READ,
  MAX_CHANGE_NOTE_LENGTH,
  MAX_DESCRIPTION_LENGTH,
  MAX_NAME_LENGTH,
  type Standard,
  type StandardInput,
  type StandardVersion,
  type StandardWithVersions,
} from './standard.js';
import {
  insertStandard,
  insertVersion,
  markDeprecated,
  markPublished,
  selectLatestVersion,
  selectPreviousPublished,
  selectStandard,
  selectStandards,
  selectVersion,
  selectVersionSummaries,
  updateDraft as updateDraftRow,
} from './standard.repository.js';
import { checkSchema } from './standard-validator.js';

export interface StandardServiceDeps {
  policy: Policy;
}

/** Publishing a breaking version without acknowledging it: 409, with the report for the problem body. */
export class BreakingChangeError extends ConflictError {
  readonly report: CompatibilityReport;
  constructor(report: CompatibilityReport) {
    super('exchange.breaking_change', {
      code: report.standardCode,
      version: report.version,
      previousVersion: report.previousVersion,
      count: report.changes.filter((change) => change.breaking).length,
    });
    this.report = report;
  }
}

/**
 * Registers a standard (no versions yet: the first draft follows).
 * @throws ValidationError `exchange.standard_invalid` (every bad field; `/code` `taken` when it exists); ForbiddenError `access.denied`
 * @example await createStandard(db, actor, { code: 'population-basic', nameZh: '人口基本信息', nameEn: 'Population basic information', ownerOrgUnitCode: 'D07', classification: 'sensitive' }, deps);
 */
export async function createStandard(
  executor: Executor,
  actor: Actor,
  input: StandardInput,
  deps: StandardServiceDeps,
): Promise<StandardWithVersions> {
  const fields = {
    code: typeof input.code === 'string' ? input.code.trim() : '',
    nameZh: text(input.nameZh),
    nameEn: text(input.nameEn),
    description: text(input.description) || null,
    ownerOrgUnitCode: text(input.ownerOrgUnitCode),
    classification: input.classification,
  };
  return inTransaction(executor, async (tx) => {
    const errors: FieldError[] = [];
    if (!fields.code) errors.push({ pointer: '/code', reason: 'required' });
    else if (fields.code.length > MAX_STANDARD_CODE_LENGTH) errors.push({ pointer: '/code', reason: 'too_long' });
    else if (!isStandardCode(fields.code)) errors.push({ pointer: '/code', reason: 'pattern' });
    errors.push(...nameErrors(fields));
    if (fields.description && [...fields.description].length > MAX_DESCRIPTION_LENGTH) {
      errors.push({ pointer: '/description', reason: 'too_long' });
    }
    if (!(CLASSIFICATIONS as readonly string[]).includes(fields.classification)) {
      errors.push({ pointer: '/classification', reason: 'one_of' });
    }
    const unitKnown = await ownerUnitCheck(tx, fields.ownerOrgUnitCode, errors);
    if (unitKnown) await deps.policy.assertAllowed(tx, actor, EXCHANGE_MANAGE, fields.ownerOrgUnitCode);
    else await assertManagesSomewhere(tx, actor, deps.policy);
    if (errors.length === 0 && (await selectStandard(tx, fields.code)))
      errors.push({ pointer: '/code', reason: 'taken' });
    if (errors.length > 0) throw invalid('exchange.standard_invalid', errors);
    await insertStandard(tx, { ...fields, classification: fields.classification as Classification });
    await recordAudit(tx, {
      actor,
      action: 'exchange.standard.create',
      target: { type: 'exchange_standard', id: fields.code },
      outcome: 'success',
      details: {
        code: fields.code,
        ownerOrgUnitCode: fields.ownerOrgUnitCode,
        classification: fields.classification,
      },
    });
    return withVersions(tx, (await selectStandard(tx, fields.code))!);
  });
}

/**
 * The catalogue: every standard with its versions, by code, optionally filtered.
 * @throws ForbiddenError `exchange.catalogue_denied`
 * @example const standards = await listStandards(db, actor, { classification: 'public' }, deps);
 */
export async function listStandards(
  executor: Executor,
  actor: Actor,
  filter: { classification?: Classification | undefined; ownerOrgUnitCode?: string | undefined },
  deps: StandardServiceDeps,
): Promise<StandardWithVersions[]> {
  await assertCatalogueReader(executor, actor, deps.policy);
  const standards = await selectStandards(executor, filter);
  const versions = await selectVersionSummaries(
    executor,
    standards.map((standard) => standard.code),
  );
  return standards.map((standard) => ({ ...standard, versions: versions.get(standard.code) ?? [] }));
}

/**
 * One standard with its versions (without their schemas).
 * @throws NotFoundError `exchange.standard_not_found`; ForbiddenError `exchange.catalogue_denied`
 * @example const standard = await getStandard(db, actor, 'population-basic', deps);
 */
export async function getStandard(
  executor: Executor,
  actor: Actor,
  code: string,
  deps: StandardServiceDeps,
): Promise<StandardWithVersions> {
  await assertCatalogueReader(executor, actor, deps.policy);
  return withVersions(executor, await mustFindStandard(executor, code));
}

/**
 * One version with its schema.
 * @throws NotFoundError `exchange.standard_not_found` / `exchange.version_not_found`; ForbiddenError `exchange.catalogue_denied`
 * @example const { schema } = await getStandardVersion(db, actor, 'population-basic', 1, deps);
 */
export async function getStandardVersion(
  executor: Executor,
  actor: Actor,
  code: string,
  version: number,
  deps: StandardServiceDeps,
): Promise<StandardVersion> {
  await assertCatalogueReader(executor, actor, deps.policy);
  await mustFindStandard(executor, code);
  return mustFindVersion(executor, code, version);
}

/**
 * Starts the next version as a draft: one draft at a time, numbered after the newest version.
 * @throws ValidationError `exchange.version_invalid` (the schema's problems under `/schema`); ConflictError `exchange.draft_exists`; NotFoundError; ForbiddenError
 * @example const draft = await createDraft(db, actor, 'population-basic', { schema, changeNote: '新增民族' }, deps);
 */
export async function createDraft(
  executor: Executor,
  actor: Actor,
  code: string,
  input: DraftInput,
  deps: StandardServiceDeps,
): Promise<StandardVersion> {
  return inTransaction(executor, async (tx) => {
    const standard = await mustFindStandard(tx, code, true);
    await deps.policy.assertAllowed(tx, actor, EXCHANGE_MANAGE, standard.ownerOrgUnitCode);
    const latest = await selectLatestVersion(tx, code);
    if (latest?.status === 'draft') throw new ConflictError('exchange.draft_exists', { code, version: latest.version });
    const fields = await checkedDraft(tx, input);
    const version = (latest?.version ?? 0) + 1;
    await insertVersion(tx, { standardCode: code, version, ...fields });
    await recordAudit(tx, {
      actor,
      action: 'exchange.standard_version.create',
      target: { type: 'exchange_standard_version', id: `${code}.v${version}` },
      outcome: 'success',
      details: { code, version },
    });
    return (await selectVersion(tx, code, version))!;
  });
}

/**
 * Replaces a draft's schema and change note. Published and deprecated versions never change.
 * @throws ValidationError `exchange.version_invalid`; ConflictError `exchange.version_immutable`; NotFoundError; ForbiddenError
 * @example await updateDraft(db, actor, 'population-basic', 2, { schema }, deps);
 */
export async function updateDraft(
  executor: Executor,
  actor: Actor,
  code: string,
  version: number,
  input: DraftInput,
  deps: StandardServiceDeps,
): Promise<StandardVersion> {
  return inTransaction(executor, async (tx) => {
    const standard = await mustFindStandard(tx, code, true);
    await deps.policy.assertAllowed(tx, actor, EXCHANGE_MANAGE, standard.ownerOrgUnitCode);
    const current = await mustFindVersion(tx, code, version, true);
    if (current.status !== 'draft') {
      throw new ConflictError('exchange.version_immutable', { code, version, status: current.status });
    }
    const fields = await checkedDraft(tx, input);
    await updateDraftRow(tx, code, version, fields);
    await recordAudit(tx, {
      actor,
      action: 'exchange.standard_version.update',
      target: { type: 'exchange_standard_version', id: `${code}.v${version}` },
      outcome: 'success',
      details: { code, version },
    });
    return (await selectVersion(tx, code, version))!;
  });
}

/**
 * Publishes a draft after comparing it with the previous published version. A breaking version is
 * refused unless `acknowledgeBreaking` says the owner knows; either way the report is kept with the
 * version and audited.
 * @throws BreakingChangeError `exchange.breaking_change` (409, with the report); ConflictError `exchange.version_immutable`; ValidationError `exchange.version_invalid` (a code list or data element gone since the draft was saved); NotFoundError; ForbiddenError
 * @example const { report } = await publishVersion(db, actor, 'population-basic', 2, { acknowledgeBreaking: false }, deps);
 */
export async function publishVersion(
  executor: Executor,
  actor: Actor,
  code: string,
  version: number,
  options: { acknowledgeBreaking?: boolean | undefined },
  deps: StandardServiceDeps,
): Promise<{ version: StandardVersion; report: CompatibilityReport }> {
  return inTransaction(executor, async (tx) => {
    const standard = await mustFindStandard(tx, code, true);
    await deps.policy.assertAllowed(tx, actor, EXCHANGE_MANAGE, standard.ownerOrgUnitCode);
    const draft = await mustFindVersion(tx, code, version, true);
    if (draft.status !== 'draft') {
      throw new ConflictError('exchange.version_immutable', { code, version, status: draft.status });
    }
    const errors = await checkSchema(tx, draft.schema);
    if (errors.length > 0) throw invalid('exchange.version_invalid', errors);
    const report = await reportFor(tx, draft);
    const acknowledged = options.acknowledgeBreaking === true;
    if (report.breaking && !acknowledged) throw new BreakingChangeError(report);
    await markPublished(tx, code, version, report);
    const breaking = report.changes.filter((change) => change.breaking);
    await recordAudit(tx, {
      actor,
      action: 'exchange.standard_version.publish',
      target: { type: 'exchange_standard_version', id: `${code}.v${version}` },
      outcome: 'success',
      details: {
        code,
        version,
        previousVersion: report.previousVersion,
        breaking: report.breaking,
        acknowledgedBreaking: report.breaking && acknowledged,
        changes: report.changes.length,
        breakingChanges: breaking.slice(0, 50).map((change) => `${change.change} ${change.path}`),
      },
    });
    return { version: (await selectVersion(tx, code, version))!, report };
  });
}

/**
 * Marks a published version deprecated: members are told to move on. It stays valid and immutable,
 * so messages already under way and systems not yet moved keep working.
 * @throws ConflictError `exchange.version_not_published`; NotFoundError; ForbiddenError
 * @example await deprecateVersion(db, actor, 'population-basic', 1, deps);
 */
export async function deprecateVersion(
  executor: Executor,
  actor: Actor,
  code: string,
  version: number,
  deps: StandardServiceDeps,
): Promise<StandardVersion> {
  return inTransaction(executor, async (tx) => {
    const standard = await mustFindStandard(tx, code, true);
    await deps.policy.assertAllowed(tx, actor, EXCHANGE_MANAGE, standard.ownerOrgUnitCode);
    const current = await mustFindVersion(tx, code, version, true);
    if (current.status !== 'published') {
      throw new ConflictError('exchange.version_not_published', { code, version, status: current.status });
    }
    await markDeprecated(tx, code, version);
    await recordAudit(tx, {
      actor,
      action: 'exchange.standard_version.deprecate',
      target: { type: 'exchange_standard_version', id: `${code}.v${version}` },
      outcome: 'success',
      details: { code, version },
    });
    return (await selectVersion(tx, code, version))!;
  });
}

/**
 * The compatibility report of a version against the published version before it: as kept at
 * publishing for a released version, computed now for a draft.
 * @throws NotFoundError; ForbiddenError `exchange.catalogue_denied`
 * @example const { breaking, changes } = await compatibilityReport(db, actor, 'population-basic', 2, deps);
 */
export async function compatibilityReport(
  executor: Executor,
  actor: Actor,
  code: string,
  version: number,
  deps: StandardServiceDeps,
): Promise<CompatibilityReport> {
  await assertCatalogueReader(executor, actor, deps.policy);
  await mustFindStandard(executor, code);
  const current = await mustFindVersion(executor, code, version);
  if (current.status !== 'draft' && current.compatibility) {
    const previous = await selectPreviousPublished(executor, code, version);
    return {
      standardCode: code,
      version,
      previousVersion: previous?.version ?? null,
      breaking: current.breaking ?? current.compatibility.some((change) => change.breaking),
      changes: current.compatibility,
    };
  }
  return reportFor(executor, current);
}

/**
 * Whether the actor may read the catalogue: a registered system always (a member needs it), staff
 * with `exchange.read` over some unit.
 * @throws ForbiddenError `exchange.catalogue_denied`
 */
export async function assertCatalogueReader(executor: Executor, actor: Actor, policy: Policy): Promise<void> {
  if (actor.type === 'machine' || actor.type === 'system') return;
  const scope = await policy.scopeOf(executor, actor, EXCHANGE_READ);
  if (scope.everywhere || scope.orgUnitCodes.length > 0) return;
  throw new ForbiddenError('exchange.catalogue_denied', { permission: EXCHANGE_READ });
}

async function reportFor(executor: Executor, version: StandardVersion): Promise<CompatibilityReport> {
  const previous = await selectPreviousPublished(executor, version.standardCode, version.version);
  const changes = previous ? compareSchemas(previous.schema, version.schema) : [];
  return {
    standardCode: version.standardCode,
    version: version.version,
    previousVersion: previous?.version ?? null,
    breaking: changes.some((change) => change.breaking),
    changes,
  };
}

async function checkedDraft(
  executor: Executor,
  input: DraftInput,
): Promise<{ schema: Record<string, unknown>; changeNote: string | null }> {
  const errors = await checkSchema(executor, input.schema);
  const changeNote = text(input.changeNote) || null;
  if (changeNote && [...changeNote].length > MAX_CHANGE_NOTE_LENGTH) {
    errors.push({ pointer: '/changeNote', reason: 'too_long' });
  }
  if (errors.length > 0) throw invalid('exchange.version_invalid', errors);
  return { schema: input.schema as Record<string, unknown>, changeNote };
}

/** Whether the owner unit exists; adds the field error when it does not. */
async function ownerUnitCheck(executor: Executor, code: string, errors: FieldError[]): Promise<boolean> {
  if (!code) {
    errors.push({ pointer: '/ownerOrgUnitCode', reason: 'required' });
    return false;
  }
  try {
    await getOrgUnit(executor, code);
    return true;
  } catch (error) {
    if (!(error instanceof NotFoundError)) throw error;
    errors.push({ pointer: '/ownerOrgUnitCode', reason: 'not_found' });
    return false;
  }
}

/**
 * For input naming no known unit: whoever manages no standard anywhere is refused (403) before being
 * told what is wrong with the input (422).
 */
export async function assertManagesSomewhere(executor: Executor, actor: Actor, policy: Policy): Promise<void> {
  if (actor.type === 'system') return;
  const scope = await policy.scopeOf(executor, actor, EXCHANGE_MANAGE);
  if (scope.everywhere || scope.orgUnitCodes.length > 0) return;
  await policy.assertAllowed(executor, actor, EXCHANGE_MANAGE, null);
}

function nameErrors(fields: { nameZh: string; nameEn: string }): FieldError[] {
  const errors: FieldError[] = [];
  for (const name of ['nameZh', 'nameEn'] as const) {
    const length = [...fields[name]].length;
    if (length === 0) errors.push({ pointer: `/${name}`, reason: 'required' });
    else if (length > MAX_NAME_LENGTH) errors.push({ pointer: `/${name}`, reason: 'too_long' });
  }
  return errors;
}

async function mustFindStandard(executor: Executor, code: string, lock = false): Promise<Standard> {
  const standard = isStandardCode(code) ? await selectStandard(executor, code, lock) : undefined;
  if (!standard) throw new NotFoundError('exchange.standard_not_found', { code });
  return standard;
}

async function mustFindVersion(
  executor: Executor,
  code: string,
  version: number,
  lock = false,
): Promise<StandardVersion> {
  const found = isStandardVersion(version) ? await selectVersion(executor, code, version, lock) : undefined;
  if (!found) throw new NotFoundError('exchange.version_not_found', { code, version });
  return found;
}

async function withVersions(executor: Executor, standard: Standard): Promise<StandardWithVersions> {
  const versions = await selectVersionSummaries(executor, [standard.code]);
  return { ...standard, versions: versions.get(standard.code) ?? [] };
}

function text(value: unknown): string {
  return typeof value === 'string' ? value.trim() : '';
}

function invalid(code: string, errors: FieldError[]): ValidationError {
  return new ValidationError(code, errors, { count: errors.length });
}
