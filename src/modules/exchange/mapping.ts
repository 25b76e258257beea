/**
 * A mapping: how one member's native payloads for one standard version turn into the standard
 * (inbound, when the member publishes) or the standard into the member's payloads (outbound, when
 * it receives). One JSONata expression per direction, with the native format and its options.
 */
import type { FieldError } from '../../platform/errors.js';
import { checkExpression } from './jsonata-expression.js';
import { CSV_DELIMITERS, isXmlName, NATIVE_FORMATS, type NativeFormat, type NativeOptions } from './native-format.js';

export const MAPPING_DIRECTIONS = ['inbound', 'outbound'] as const;
export type MappingDirection = (typeof MAPPING_DIRECTIONS)[number];

/** Longest XML root element name accepted in the options. */
export const MAX_XML_NAME_LENGTH = 100;

/** The options a mapping keeps: only those its format uses are meaningful. */
export type MappingOptions = NativeOptions;

export interface MappingKey {
  memberId: string;
  standardCode: string;
  standardVersion: number;
  direction: MappingDirection;
}

export interface Mapping extends MappingKey {
  format: NativeFormat;
  expression: string;
  options: MappingOptions;
  /** Bumped on every change; compiled mappings are cached per revision. */
  revision: number;
  createdAt: Date;
  updatedAt: Date;
  /** `user:<person id>` or `system:huitong`. */
  updatedBy: string;
}

export interface MappingInput {
  format: NativeFormat;
  expression: string;
  options?: MappingOptions;
}

/**
 * Why a mapping input is refused, as field errors (`/format`, `/expression`, `/options/…`); empty
 * when it is fine. The expression must compile; an option must suit the format it is given for.
 * @example checkMappingInput({ format: 'xml', expression: 'RKXX.{ "name": XM }', options: { xmlRootElement: 'RKXX' } }); // []
 */
export function checkMappingInput(input: MappingInput): FieldError[] {
  const errors: FieldError[] = [];
  if (!(NATIVE_FORMATS as readonly string[]).includes(input.format))
    errors.push({ pointer: '/format', reason: 'one_of' });
  errors.push(...checkExpression(input.expression));
  const options = input.options ?? {};
  if (options.xmlRootElement !== undefined) {
    if (input.format !== 'xml') errors.push({ pointer: '/options/xmlRootElement', reason: 'format_mismatch' });
    else if (options.xmlRootElement.length > MAX_XML_NAME_LENGTH || !isXmlName(options.xmlRootElement)) {
      errors.push({ pointer: '/options/xmlRootElement', reason: 'xml_name' });
    }
  }
  if (options.csvDelimiter !== undefined) {
    if (input.format !== 'csv') errors.push({ pointer: '/options/csvDelimiter', reason: 'format_mismatch' });
    else if (!(CSV_DELIMITERS as readonly string[]).includes(options.csvDelimiter)) {
      errors.push({ pointer: '/options/csvDelimiter', reason: 'one_of' });
    }
  }
  return errors;
}

/** The options worth storing: those given, nothing else. */
export function normaliseOptions(options: MappingOptions | undefined): MappingOptions {
  const kept: MappingOptions = {};
  if (options?.xmlRootElement !== undefined) kept.xmlRootElement = options.xmlRootElement;
  if (options?.csvDelimiter !== undefined) kept.csvDelimiter = options.csvDelimiter;
  return kept;
}
