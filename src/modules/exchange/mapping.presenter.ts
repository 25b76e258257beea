/** Stored mappings → the API's shape. */
import type { Mapping } from './mapping.js';
import type { MappingView } from './mapping.schema.js';

export function presentMapping(mapping: Mapping): MappingView {
  return {
    memberId: mapping.memberId,
    standard: mapping.standardCode,
    version: mapping.standardVersion,
    direction: mapping.direction,
    format: mapping.format,
    expression: mapping.expression,
    options: mapping.options,
    revision: mapping.revision,
    createdAt: mapping.createdAt.toISOString(),
    updatedAt: mapping.updatedAt.toISOString(),
    updatedBy: mapping.updatedBy,
  };
}
