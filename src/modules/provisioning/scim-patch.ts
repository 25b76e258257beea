/**
 * SCIM PATCH (RFC 7644 §3.5.2) applied to a resource's JSON: add, replace and remove, with or without
 * a path, paths with a value filter (`emails[type eq "work"].value`) and extension URNs. The service
 * then treats the patched JSON as a replacement, so PATCH and PUT share one set of rules.
 *
 * Written here rather than with scimmy's PatchOp, which patches its own schema instances (whose
 * coercion refuses the string booleans Microsoft Entra ID sends, `"value": "False"`) and would bring
 * its global schema registry into every request. Op names are case-insensitive (Entra sends
 * `Replace`), as are attribute names (RFC 7643 §2.1).
 */

import { ScimError } from './scim-error.js';
import { type FilterNode, type FilterValue, parseFilter } from './scim-filter.js';

export type JsonObject = Record<string, unknown>;

export interface PatchOperation {
  op: string;
  path?: string;
  value?: unknown;
}

interface ParsedPath {
  /** The key holding the attribute: a core attribute, or an extension URN whose object holds it. */
  extension: string | undefined;
  attribute: string;
  filter: FilterNode | undefined;
  sub: string | undefined;
}

/**
 * Applies the operations in order to a copy of `resource` and returns it.
 * @throws ScimError 400 invalidSyntax, invalidPath, noTarget, invalidValue
 * @example applyPatch(user, [{ op: 'Replace', path: 'active', value: 'False' }], USER_SCHEMA, [ENTERPRISE_SCHEMA]);
 */
export function applyPatch(
  resource: JsonObject,
  operations: readonly PatchOperation[],
  coreSchema: string,
  extensions: readonly string[],
): JsonObject {
  const target = structuredClone(resource);
  for (const operation of operations) {
    const op = typeof operation.op === 'string' ? operation.op.toLowerCase() : '';
    if (op !== 'add' && op !== 'replace' && op !== 'remove') {
      throw new ScimError(400, 'provisioning.scim_syntax_invalid', 'invalidSyntax', { reason: 'op' });
    }
    if (operation.path === undefined || operation.path === '') {
      if (op === 'remove') throw new ScimError(400, 'provisioning.scim_no_target', 'noTarget', { path: '' });
      if (!isObject(operation.value)) {
        throw new ScimError(400, 'provisioning.scim_value_invalid', 'invalidValue', { fields: 'value' });
      }
      for (const [key, value] of Object.entries(operation.value)) {
        const extension = extensions.find((urn) => urn.toLowerCase() === key.toLowerCase());
        if (extension && isObject(value)) {
          for (const [subKey, subValue] of Object.entries(value)) {
            applyAt(target, parsePath(`${extension}:${subKey}`, coreSchema, extensions), op, subValue);
          }
        } else {
          applyAt(target, parsePath(key, coreSchema, extensions), op, value);
        }
      }
      continue;
    }
    if (typeof operation.path !== 'string') {
      throw new ScimError(400, 'provisioning.scim_path_invalid', 'invalidPath', { path: String(operation.path) });
    }
    applyAt(target, parsePath(operation.path, coreSchema, extensions), op, operation.value);
  }
  return target;
}

function parsePath(path: string, coreSchema: string, extensions: readonly string[]): ParsedPath {
  const invalid = () => new ScimError(400, 'provisioning.scim_path_invalid', 'invalidPath', { path });
  let rest = path.trim();
  let extension: string | undefined;
  const lower = rest.toLowerCase();
  for (const urn of extensions) {
    if (lower.startsWith(`${urn.toLowerCase()}:`)) {
      extension = urn;
      rest = rest.slice(urn.length + 1);
    }
  }
  if (!extension && lower.startsWith(`${coreSchema.toLowerCase()}:`)) rest = rest.slice(coreSchema.length + 1);
  const match = /^([A-Za-z$][\w$-]*)(?:\[(.+)\])?(?:\.([A-Za-z$][\w$-]*))?$/.exec(rest);
  if (!match) throw invalid();
  const [, attribute, filterText, dotted] = match;
  let filter: FilterNode | undefined;
  if (filterText) {
    try {
      filter = parseFilter(filterText, coreSchema);
    } catch {
      throw invalid();
    }
  }
  return { extension, attribute: attribute!, filter, sub: dotted };
}

function applyAt(resource: JsonObject, path: ParsedPath, op: 'add' | 'replace' | 'remove', value: unknown): void {
  let container: JsonObject = resource;
  if (path.extension) {
    const existing = resource[keyOf(resource, path.extension)];
    if (!isObject(existing)) {
      if (op === 'remove') return;
      resource[path.extension] = {};
    }
    container = resource[keyOf(resource, path.extension)] as JsonObject;
  }
  const key = keyOf(container, path.attribute);
  const current = container[key];

  if (path.filter) {
    if (!Array.isArray(current)) {
      throw new ScimError(400, 'provisioning.scim_no_target', 'noTarget', { path: path.attribute });
    }
    const matched = current.filter((item) => isObject(item) && matches(path.filter!, item));
    if (matched.length === 0) {
      if (op === 'remove') return;
      throw new ScimError(400, 'provisioning.scim_no_target', 'noTarget', { path: path.attribute });
    }
    if (op === 'remove') {
      if (path.sub) for (const item of matched) delete (item as JsonObject)[keyOf(item as JsonObject, path.sub)];
      else container[key] = current.filter((item) => !matched.includes(item));
      return;
    }
    for (const item of matched as JsonObject[]) {
      if (path.sub) item[keyOf(item, path.sub)] = value;
      else if (isObject(value)) Object.assign(item, value);
      else throw new ScimError(400, 'provisioning.scim_value_invalid', 'invalidValue', { fields: path.attribute });
    }
    return;
  }

  if (path.sub) {
    if (Array.isArray(current)) {
      // `emails.value` without a filter: every value of the multi-valued attribute.
      for (const item of current) if (isObject(item)) setOrDelete(item, path.sub, op, value);
      return;
    }
    if (!isObject(current)) {
      if (op === 'remove') return;
      container[key] = {};
    }
    setOrDelete(container[key] as JsonObject, path.sub, op, value);
    return;
  }

  if (op === 'remove') {
    delete container[key];
    return;
  }
  if (op === 'add' && Array.isArray(current)) {
    // Adding to a multi-valued attribute appends, leaving out values already there.
    const additions = Array.isArray(value) ? value : [value];
    const seen = new Set(current.map((item) => JSON.stringify(item)));
    container[key] = [...current, ...additions.filter((item) => !seen.has(JSON.stringify(item)))];
    return;
  }
  if (op === 'add' && isObject(current) && isObject(value)) {
    Object.assign(current, value);
    return;
  }
  container[key] = value;
}

function setOrDelete(item: JsonObject, sub: string, op: 'add' | 'replace' | 'remove', value: unknown): void {
  const key = keyOf(item, sub);
  if (op === 'remove') delete item[key];
  else item[key] = value;
}

/** The existing key that matches a name case-insensitively, or the name itself. */
function keyOf(object: JsonObject, name: string): string {
  const lower = name.toLowerCase();
  return Object.keys(object).find((key) => key.toLowerCase() === lower) ?? name;
}

/** Whether one value of a multi-valued attribute matches a filter on its sub-attributes. */
function matches(node: FilterNode, item: JsonObject): boolean {
  switch (node.op) {
    case 'and':
      return matches(node.left, item) && matches(node.right, item);
    case 'or':
      return matches(node.left, item) || matches(node.right, item);
    case 'not':
      return !matches(node.expr, item);
    case 'valuePath':
      return false;
    case 'present': {
      const value = item[keyOf(item, subName(node.path))];
      return value !== undefined && value !== null && value !== '';
    }
    case 'compare':
      return compare(item[keyOf(item, subName(node.path))], node.operator, node.value);
  }
}

function subName(path: string): string {
  return path.split('.').at(-1)!;
}

function compare(actual: unknown, operator: string, expected: FilterValue): boolean {
  if (expected === null) return operator === 'eq' ? actual == null : actual != null;
  if (typeof expected === 'boolean') {
    const value = typeof actual === 'string' ? actual.toLowerCase() === 'true' : actual;
    return operator === 'eq' ? value === expected : value !== expected;
  }
  const a = String(actual ?? '').toLowerCase();
  const b = String(expected).toLowerCase();
  switch (operator) {
    case 'eq':
      return actual != null && a === b;
    case 'ne':
      return a !== b;
    case 'co':
      return a.includes(b);
    case 'sw':
      return a.startsWith(b);
    case 'ew':
      return a.endsWith(b);
    case 'gt':
      return a > b;
    case 'ge':
      return a >= b;
    case 'lt':
      return a < b;
    default:
      return a <= b;
  }
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Used by the services to read the patched JSON: the attribute, matched case-insensitively. */
export function attributeOf(object: unknown, name: string): unknown {
  if (!isObject(object)) return undefined;
  return object[keyOf(object, name)];
}
