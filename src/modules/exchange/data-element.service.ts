/**
 * The data-element dictionary: one id (DE00001…) per meaning, with its names, definition, type and
 * code list, named by schemas through `x-data-element`. Shared by every standard, so adding to it
 * needs `exchange.manage` at the root unit. Elements are added, never changed: a schema that names
 * one keeps meaning what it meant.
 */
import { recordAudit } from '../../platform/audit/audit-log.js';
import type { Actor } from '../../platform/authorization.js';
import { type Executor, inTransaction } from '../../platform/db/database.js';
import { type FieldError, NotFoundError, ValidationError } from '../../platform/errors.js';
import { selectCodeLists } from './code-list.repository.js';
import { insertDataElement, selectDataElements } from './data-element.repository.js';
import './exchange-standards.messages.js';
import {
  DATA_ELEMENT_ID_PATTERN,
  DATA_TYPES,
  type DataElement,
  type DataElementInput,
  type DataType,
  EXCHANGE_MANAGE,
  MAX_NAME_LENGTH,
} from './standard.js';
import { assertCatalogueReader, type StandardServiceDeps } from './standard.service.js';

const MAX_DEFINITION_LENGTH = 2000;
const MAX_FORMAT_LENGTH = 100;

/**
 * The whole dictionary, by id.
 * @throws ForbiddenError `exchange.catalogue_denied`
 * @example const elements = await listDataElements(db, actor, deps);
 */
export async function listDataElements(
  executor: Executor,
  actor: Actor,
  deps: StandardServiceDeps,
): Promise<DataElement[]> {
  await assertCatalogueReader(executor, actor, deps.policy);
  return selectDataElements(executor);
}

/**
 * One data element.
 * @throws NotFoundError `exchange.data_element_not_found`; ForbiddenError `exchange.catalogue_denied`
 * @example const element = await getDataElement(db, actor, 'DE00001', deps);
 */
export async function getDataElement(
  executor: Executor,
  actor: Actor,
  id: string,
  deps: StandardServiceDeps,
): Promise<DataElement> {
  await assertCatalogueReader(executor, actor, deps.policy);
  const [element] = DATA_ELEMENT_ID_PATTERN.test(id) ? await selectDataElements(executor, [id]) : [];
  if (!element) throw new NotFoundError('exchange.data_element_not_found', { id });
  return element;
}

/**
 * Adds a data element to the dictionary.
 * @throws ValidationError `exchange.data_element_invalid` (every bad field; `/id` `taken`); ForbiddenError `access.denied`
 * @example await createDataElement(db, actor, { id: 'DE00001', nameZh: '公民身份号码', nameEn: 'Resident identity number', dataType: 'string', format: 'resident-id' }, deps);
 */
export async function createDataElement(
  executor: Executor,
  actor: Actor,
  input: DataElementInput,
  deps: StandardServiceDeps,
): Promise<DataElement> {
  const fields = {
    id: text(input.id),
    nameZh: text(input.nameZh),
    nameEn: text(input.nameEn),
    definitionZh: text(input.definitionZh) || null,
    definitionEn: text(input.definitionEn) || null,
    dataType: input.dataType,
    format: text(input.format) || null,
    codeListId: text(input.codeListId) || null,
  };
  return inTransaction(executor, async (tx) => {
    await deps.policy.assertAllowed(tx, actor, EXCHANGE_MANAGE, null);
    const errors: FieldError[] = [];
    if (!fields.id) errors.push({ pointer: '/id', reason: 'required' });
    else if (!DATA_ELEMENT_ID_PATTERN.test(fields.id)) errors.push({ pointer: '/id', reason: 'pattern' });
    for (const name of ['nameZh', 'nameEn'] as const) {
      const length = [...fields[name]].length;
      if (length === 0) errors.push({ pointer: `/${name}`, reason: 'required' });
      else if (length > MAX_NAME_LENGTH) errors.push({ pointer: `/${name}`, reason: 'too_long' });
    }
    for (const name of ['definitionZh', 'definitionEn'] as const) {
      const value = fields[name];
      if (value && [...value].length > MAX_DEFINITION_LENGTH) errors.push({ pointer: `/${name}`, reason: 'too_long' });
    }
    if (!(DATA_TYPES as readonly string[]).includes(fields.dataType)) {
      errors.push({ pointer: '/dataType', reason: 'one_of' });
    }
    if (fields.format && fields.format.length > MAX_FORMAT_LENGTH)
      errors.push({ pointer: '/format', reason: 'too_long' });
    if (fields.codeListId && (await selectCodeLists(tx, [fields.codeListId])).length === 0) {
      errors.push({ pointer: '/codeListId', reason: 'not_found' });
    }
    if (errors.length === 0 && (await selectDataElements(tx, [fields.id])).length > 0) {
      errors.push({ pointer: '/id', reason: 'taken' });
    }
    if (errors.length > 0) throw new ValidationError('exchange.data_element_invalid', errors, { count: errors.length });
    await insertDataElement(tx, { ...fields, dataType: fields.dataType as DataType });
    await recordAudit(tx, {
      actor,
      action: 'exchange.data_element.create',
      target: { type: 'exchange_data_element', id: fields.id },
      outcome: 'success',
      details: { id: fields.id, dataType: fields.dataType, codeListId: fields.codeListId },
    });
    return (await selectDataElements(tx, [fields.id]))[0]!;
  });
}

function text(value: unknown): string {
  return typeof value === 'string' ? value.trim() : '';
}
