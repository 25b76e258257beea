/**
 * Checking an item's content as a whole, without the database: every bad field is reported at once,
 * as a JSON Pointer into the input. The directory checks (the handling unit and the centres exist)
 * are the service's.
 */
import type { FieldError } from '../../platform/errors.js';
import {
  type Fee,
  ITEM_TYPES,
  type ItemContent,
  type ItemType,
  LIMITS,
  MATERIAL_FORMS,
  type Material,
  type MaterialForm,
  RESULT_KINDS,
  type ResultKind,
} from './item.js';
import { checkForm } from './item-form.js';

const SHA256 = /^[0-9a-f]{64}$/;

/**
 * The content read from `input`, and what is wrong with it. The content is usable for further
 * checks even when there are errors (bad parts are emptied), never for writing.
 * @example const { content, errors } = checkContent(request.body);
 */
export function checkContent(input: unknown): { content: ItemContent; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const source = isObject(input) ? input : {};
  if (!isObject(input)) errors.push({ pointer: '', reason: 'type' });
  const read = new Reader(source, '', errors);
  const type = read.oneOf('type', Object.keys(ITEM_TYPES)) as ItemType;
  const statutoryLimitDays = read.integer('statutoryLimitDays', 0, LIMITS.limitDays);
  const promisedLimitDays = read.integer('promisedLimitDays', 0, LIMITS.limitDays);
  if (promisedLimitDays > statutoryLimitDays) errors.push({ pointer: '/promisedLimitDays', reason: 'above_statutory' });

  const content: ItemContent = {
    nameZh: read.text('nameZh', LIMITS.nameZh),
    nameEn: read.text('nameEn', LIMITS.nameEn),
    type,
    departmentCode: read.text('departmentCode', 64),
    legalBasis: read.list('legalBasis', LIMITS.legalBasis, (item) => item.textValue(LIMITS.text), 1, false),
    conditions: read.text('conditions', LIMITS.text),
    materials: read.list('materials', LIMITS.materials, materialOf, 0),
    statutoryLimitDays,
    promisedLimitDays,
    fees: read.list('fees', LIMITS.fees, feeOf, 0),
    channels: read.object('channels', (channels) => {
      const online = channels.boolean('online');
      const anyCentre = channels.boolean('anyCentre');
      const centreCodes = channels.list('centreCodes', LIMITS.centres, (item) => item.textValue(64), 0, false);
      if (anyCentre && centreCodes.length > 0)
        errors.push({ pointer: '/channels/centreCodes', reason: 'with_any_centre' });
      if (new Set(centreCodes).size !== centreCodes.length)
        errors.push({ pointer: '/channels/centreCodes', reason: 'duplicate' });
      if (!online && !anyCentre && centreCodes.length === 0) errors.push({ pointer: '/channels', reason: 'nowhere' });
      return { online, anyCentre, centreCodes };
    }) ?? { online: false, anyCentre: false, centreCodes: [] },
    result: read.object('result', (result) => ({
      kind: result.oneOf('kind', RESULT_KINDS) as ResultKind,
      nameZh: result.text('nameZh', LIMITS.nameZh),
      nameEn: result.text('nameEn', LIMITS.nameEn),
    })) ?? { kind: 'decision', nameZh: '', nameEn: '' },
    form: {},
  };
  const formErrors = source.form === undefined ? [{ pointer: '/form', reason: 'required' }] : checkForm(source.form);
  if (formErrors.length > 0) errors.push(...formErrors);
  else content.form = source.form as Record<string, unknown>;
  return { content, errors };
}

function materialOf(item: Reader): Material {
  const form = item.oneOf('form', MATERIAL_FORMS) as MaterialForm;
  const sample = item.optionalText('sampleSha256', 64);
  if (sample !== null && !SHA256.test(sample)) item.error('sampleSha256', 'pattern');
  return {
    nameZh: item.text('nameZh', LIMITS.nameZh),
    nameEn: item.text('nameEn', LIMITS.nameEn),
    form,
    copies: item.integer('copies', 0, LIMITS.copies),
    electronicAccepted: item.boolean('electronicAccepted'),
    required: item.boolean('required'),
    sampleSha256: sample,
    note: item.optionalText('note', LIMITS.text),
  };
}

function feeOf(item: Reader): Fee {
  return {
    nameZh: item.text('nameZh', LIMITS.nameZh),
    nameEn: item.text('nameEn', LIMITS.nameEn),
    amountFen: item.integer('amountFen', 0, LIMITS.amountFen),
    basis: item.text('basis', LIMITS.text),
  };
}

/** Reads the fields of one object of the input, recording what is wrong under its pointer. */
class Reader {
  constructor(
    private readonly source: Record<string, unknown>,
    private readonly pointer: string,
    private readonly errors: FieldError[],
  ) {}

  error(name: string, reason: string): void {
    this.errors.push({ pointer: `${this.pointer}/${name}`, reason });
  }

  text(name: string, maxLength: number): string {
    const value = this.source[name];
    if (typeof value !== 'string') {
      this.error(name, value === undefined || value === null ? 'required' : 'type');
      return '';
    }
    const trimmed = value.trim();
    if (trimmed === '') this.error(name, 'required');
    else if ([...trimmed].length > maxLength) this.error(name, 'too_long');
    return trimmed;
  }

  optionalText(name: string, maxLength: number): string | null {
    const value = this.source[name];
    if (value === undefined || value === null || value === '') return null;
    return this.text(name, maxLength) || null;
  }

  /** This reader's own value as text: an entry of a list of strings. */
  textValue(maxLength: number): string {
    const value = this.source.value;
    if (typeof value !== 'string') {
      this.errors.push({ pointer: this.pointer, reason: 'type' });
      return '';
    }
    const trimmed = value.trim();
    if (trimmed === '') this.errors.push({ pointer: this.pointer, reason: 'required' });
    else if ([...trimmed].length > maxLength) this.errors.push({ pointer: this.pointer, reason: 'too_long' });
    return trimmed;
  }

  integer(name: string, minimum: number, maximum: number): number {
    const value = this.source[name];
    if (typeof value !== 'number' || !Number.isInteger(value)) {
      this.error(name, value === undefined || value === null ? 'required' : 'integer');
      return 0;
    }
    if (value < minimum || value > maximum) this.error(name, 'range');
    return value;
  }

  boolean(name: string): boolean {
    const value = this.source[name];
    if (typeof value !== 'boolean') {
      this.error(name, value === undefined || value === null ? 'required' : 'type');
      return false;
    }
    return value;
  }

  oneOf(name: string, values: readonly string[]): string {
    const value = this.source[name];
    if (typeof value !== 'string' || !values.includes(value)) {
      this.error(name, value === undefined || value === null ? 'required' : 'one_of');
      return values[0]!;
    }
    return value;
  }

  list<T>(name: string, maxItems: number, each: (item: Reader) => T, minItems: number, objects = true): T[] {
    const value = this.source[name];
    if (!Array.isArray(value)) {
      this.error(name, value === undefined || value === null ? 'required' : 'type');
      return [];
    }
    if (value.length > maxItems) {
      this.error(name, 'too_many');
      return [];
    }
    if (value.length < minItems) this.error(name, 'required');
    const read: T[] = [];
    value.forEach((entry, index) => {
      const at = `${this.pointer}/${name}/${index}`;
      if (!objects) read.push(each(new Reader({ value: entry }, at, this.errors)));
      else if (isObject(entry)) read.push(each(new Reader(entry, at, this.errors)));
      // A stray non-object is reported once, not as every field of it missing.
      else this.errors.push({ pointer: at, reason: 'type' });
    });
    return read;
  }

  object<T>(name: string, read: (reader: Reader) => T): T | undefined {
    const value = this.source[name];
    if (!isObject(value)) {
      this.error(name, value === undefined || value === null ? 'required' : 'type');
      return undefined;
    }
    return read(new Reader(value, `${this.pointer}/${name}`, this.errors));
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
