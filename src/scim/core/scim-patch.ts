import { AttributePath, FilterNode, FilterValue, parseFilter, ScimFilterError } from './scim-filter';

/**
 * SCIM PATCH (RFC 7644 §3.5.2) applied to a resource held as plain JSON, pure. The operations
 * are read as clients send them, not only as the RFC spells them: Entra writes `Add`/`Replace`
 * with capitals and booleans as the strings "True"/"False" (coerced by the resource's mapper),
 * Okta and Entra deactivate with a path-less `replace` of `{active: false}`, Entra removes
 * group members with `remove` of `members` and a value list, and both add a work e-mail with
 * `emails[type eq "work"].value` when the user has none yet (the element is made then).
 */

export const PATCH_OP_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

export interface PatchOperation {
  op: 'add' | 'replace' | 'remove';
  path?: string;
  value?: unknown;
}

/** What the resource type is made of, for resolving paths case-insensitively. */
export interface AttributeSchema {
  [lowerName: string]: {
    name: string;
    multiValued?: boolean;
    /** Sub-attributes of a complex attribute, by lower-cased name. */
    subs?: Record<string, string>;
    /** `id`, `meta`: set by Spendin; a path naming one is a mutability error. */
    readOnly?: boolean;
  };
}

export type PatchErrorType = 'invalidSyntax' | 'invalidPath' | 'noTarget' | 'invalidValue' | 'mutability';

export class ScimPatchError extends Error {
  constructor(
    readonly scimType: PatchErrorType,
    message: string,
  ) {
    super(message);
    this.name = 'ScimPatchError';
  }
}

export type Resource = Record<string, unknown>;

/** Operations in one request, at most. */
export const MAX_PATCH_OPERATIONS = 1000;

/** Reads a PatchOp request body; throws ScimPatchError (invalidSyntax) when it is not one. */
export function readPatchRequest(body: unknown): PatchOperation[] {
  if (!isObject(body)) throw new ScimPatchError('invalidSyntax', 'The body must be a PatchOp object');
  const schemas = body.schemas;
  if (
    !Array.isArray(schemas) ||
    !schemas.some((s) => typeof s === 'string' && s.toLowerCase() === PATCH_OP_SCHEMA.toLowerCase())
  )
    throw new ScimPatchError('invalidSyntax', `schemas must contain ${PATCH_OP_SCHEMA}`);
  const operations = body.Operations ?? body.operations;
  if (!Array.isArray(operations) || operations.length === 0)
    throw new ScimPatchError('invalidSyntax', 'Operations must be a non-empty array');
  if (operations.length > MAX_PATCH_OPERATIONS)
    throw new ScimPatchError('invalidSyntax', `At most ${MAX_PATCH_OPERATIONS} operations per request`);
  return operations.map((raw: unknown, index) => {
    if (!isObject(raw)) throw new ScimPatchError('invalidSyntax', `Operations[${index}] must be an object`);
    const op = typeof raw.op === 'string' ? raw.op.toLowerCase() : undefined;
    if (op !== 'add' && op !== 'replace' && op !== 'remove')
      throw new ScimPatchError('invalidSyntax', `Operations[${index}].op must be add, replace or remove`);
    if (raw.path !== undefined && (typeof raw.path !== 'string' || raw.path.trim() === ''))
      throw new ScimPatchError('invalidPath', `Operations[${index}].path must be a non-empty string`);
    const path = raw.path === undefined ? undefined : raw.path.trim();
    if (op === 'remove' && path === undefined)
      throw new ScimPatchError('noTarget', `Operations[${index}]: remove needs a path`);
    if (op !== 'remove' && raw.value === undefined)
      throw new ScimPatchError('invalidValue', `Operations[${index}]: ${op} needs a value`);
    if (path === undefined && !isObject(raw.value))
      throw new ScimPatchError('invalidValue', `Operations[${index}]: without a path, the value must be an object`);
    return { op, path, value: raw.value };
  });
}

interface ResolvedPath {
  /** Canonical attribute name; undefined for an attribute Spendin does not keep (ignored). */
  name?: string;
  multiValued: boolean;
  sub?: string;
  valueFilter?: FilterNode;
  readOnly: boolean;
}

/**
 * Applies the operations in order to a copy of `resource`; the caller validates the result
 * and works out what changed. Attributes the schema does not know are ignored (an identity
 * provider maps more than Spendin keeps); a path that is not one is invalidPath.
 */
export function applyPatch(resource: Resource, operations: PatchOperation[], schema: AttributeSchema): Resource {
  const result = structuredClone(resource);
  for (const operation of operations) {
    if (operation.path === undefined) {
      for (const [key, value] of Object.entries(operation.value as Resource)) {
        const path = resolvePath(key, schema);
        if (path.readOnly || path.name === undefined) continue;
        applyAt(result, operation.op, path, value);
      }
      continue;
    }
    const path = resolvePath(operation.path, schema);
    if (path.readOnly) throw new ScimPatchError('mutability', `${operation.path} cannot be changed`);
    if (path.name === undefined) continue;
    applyAt(result, operation.op, path, operation.value);
  }
  return result;
}

/** `userName`, `name.givenName`, `emails[type eq "work"].value`, with or without the core schema's URN. */
export function resolvePath(text: string, schema: AttributeSchema): ResolvedPath {
  let bare = text;
  const urn = /^(urn:[^[\]]+):([A-Za-z][\w$-]*(?:[.[].*)?)$/.exec(text);
  if (urn) {
    // An extension's attributes (enterprise User's department, …) are not kept.
    if (!/^urn:ietf:params:scim:schemas:core:2\.0:(user|group)$/i.test(urn[1]))
      return { multiValued: false, readOnly: false };
    bare = urn[2];
  }
  const match = /^([A-Za-z][\w$-]*)(?:\[(.*)\])?(?:\.([A-Za-z][\w$-]*))?$/.exec(bare);
  if (!match) throw new ScimPatchError('invalidPath', `${text} is not an attribute path`);
  const [, attribute, filterText, subText] = match;
  const definition = schema[attribute.toLowerCase()];
  let valueFilter: FilterNode | undefined;
  if (filterText !== undefined) {
    try {
      valueFilter = parseFilter(filterText);
    } catch (error) {
      if (error instanceof ScimFilterError) throw new ScimPatchError('invalidPath', `${text}: ${error.message}`);
      throw error;
    }
  }
  if (!definition) return { multiValued: false, readOnly: false };
  if (valueFilter && !definition.multiValued)
    throw new ScimPatchError('invalidPath', `${definition.name} is not multi-valued; it takes no value filter`);
  let sub: string | undefined;
  if (subText !== undefined) {
    sub = definition.subs?.[subText.toLowerCase()];
    if (sub === undefined) {
      if (!definition.subs) throw new ScimPatchError('invalidPath', `${definition.name} has no sub-attributes`);
      // A sub-attribute Spendin does not keep (name.honorificPrefix): ignored like an unknown attribute.
      return { multiValued: false, readOnly: false };
    }
  }
  return {
    name: definition.name,
    multiValued: definition.multiValued === true,
    sub,
    valueFilter,
    readOnly: definition.readOnly === true,
  };
}

function applyAt(resource: Resource, op: PatchOperation['op'], path: ResolvedPath, value: unknown): void {
  const name = path.name!;
  if (!path.multiValued) {
    if (path.sub === undefined) {
      // A complex attribute's sub-attributes not in the value are left as they are (RFC 7644 §3.5.2.3).
      if (op === 'remove') delete resource[name];
      else if (isObject(value) && isObject(resource[name]))
        resource[name] = { ...(resource[name] as Resource), ...value };
      else resource[name] = value;
      return;
    }
    const complex = isObject(resource[name]) ? (resource[name] as Resource) : {};
    if (op === 'remove') delete complex[path.sub];
    else complex[path.sub] = value;
    resource[name] = complex;
    return;
  }
  const list = Array.isArray(resource[name]) ? [...(resource[name] as unknown[])] : [];
  if (path.valueFilter === undefined) {
    if (path.sub !== undefined) {
      // `emails.value`: every element's sub-attribute.
      for (const element of list) {
        if (!isObject(element)) continue;
        if (op === 'remove') delete element[path.sub];
        else element[path.sub] = value;
      }
      resource[name] = list;
      return;
    }
    const given = value === undefined ? [] : Array.isArray(value) ? value : [value];
    if (op === 'add') resource[name] = mergeElements(list, given);
    else if (op === 'replace') resource[name] = given;
    else if (given.length === 0) delete resource[name];
    // Entra: remove `members` with a value list removes those members.
    else resource[name] = list.filter((element) => !given.some((g) => sameElement(element, g)));
    return;
  }
  const filter = path.valueFilter;
  const matching = list.filter((element) => isObject(element) && matches(filter, element));
  if (op === 'remove') {
    if (path.sub === undefined) resource[name] = list.filter((element) => !matching.includes(element));
    else for (const element of matching) delete (element as Resource)[path.sub];
    return;
  }
  if (matching.length === 0) {
    // Nothing matches `emails[type eq "work"].value`: make the element the filter describes.
    const seed = elementFrom(filter);
    if (seed === undefined)
      throw new ScimPatchError('noTarget', `No ${name} value matches the filter, and it does not say what to make`);
    list.push(path.sub === undefined ? { ...seed, ...(isObject(value) ? value : {}) } : { ...seed, [path.sub]: value });
    resource[name] = list;
    return;
  }
  for (const element of matching) {
    const target = element as Resource;
    if (path.sub !== undefined) target[path.sub] = value;
    else if (isObject(value)) Object.assign(target, value);
    else throw new ScimPatchError('invalidValue', `A value for ${name}[…] must be an object`);
  }
  resource[name] = list;
}

/** Adds elements to a multi-valued attribute, leaving out those already there (by `value`). */
function mergeElements(list: unknown[], given: unknown[]): unknown[] {
  const result = [...list];
  for (const element of given) if (!result.some((e) => sameElement(e, element))) result.push(element);
  return result;
}

function sameElement(a: unknown, b: unknown): boolean {
  if (isObject(a) && isObject(b) && a.value !== undefined) return String(a.value) === String(b.value);
  return JSON.stringify(a) === JSON.stringify(b);
}

/** The element a conjunction of equalities describes (`type eq "work"` → `{type: "work"}`). */
function elementFrom(filter: FilterNode): Resource | undefined {
  if (filter.kind === 'compare' && filter.op === 'eq' && !filter.path.sub && !filter.path.valueFilter)
    return { [filter.path.attribute]: filter.value };
  if (filter.kind === 'and') {
    const left = elementFrom(filter.left);
    const right = elementFrom(filter.right);
    return left && right ? { ...left, ...right } : undefined;
  }
  return undefined;
}

/** Evaluates a value filter against one element of a multi-valued attribute (names case-insensitive). */
export function matches(filter: FilterNode, element: Resource): boolean {
  switch (filter.kind) {
    case 'and':
      return matches(filter.left, element) && matches(filter.right, element);
    case 'or':
      return matches(filter.left, element) || matches(filter.right, element);
    case 'not':
      return !matches(filter.node, element);
    case 'present': {
      const value = lookup(element, filter.path);
      return value !== undefined && value !== null && value !== '';
    }
    case 'compare':
      return compare(lookup(element, filter.path), filter.op, filter.value);
  }
}

function lookup(element: Resource, path: AttributePath): unknown {
  if (path.valueFilter) return undefined;
  const key = Object.keys(element).find((k) => k.toLowerCase() === path.attribute);
  const value = key === undefined ? undefined : element[key];
  if (path.sub === undefined) return value;
  if (!isObject(value)) return undefined;
  const subKey = Object.keys(value).find((k) => k.toLowerCase() === path.sub);
  return subKey === undefined ? undefined : value[subKey];
}

function compare(actual: unknown, op: string, expected: FilterValue): boolean {
  if (typeof expected === 'boolean') {
    const bool = typeof actual === 'string' ? actual.toLowerCase() === 'true' : actual === true;
    return op === 'eq' ? bool === expected : op === 'ne' ? bool !== expected : false;
  }
  if (expected === null) {
    const absent = actual === null || actual === undefined;
    return op === 'eq' ? absent : op === 'ne' ? !absent : false;
  }
  const a = String(actual ?? '').toLowerCase();
  const e = String(expected).toLowerCase();
  if (actual === undefined || actual === null) return op === 'ne';
  switch (op) {
    case 'eq':
      return a === e;
    case 'ne':
      return a !== e;
    case 'co':
      return a.includes(e);
    case 'sw':
      return a.startsWith(e);
    case 'ew':
      return a.endsWith(e);
    case 'gt':
      return a > e;
    case 'ge':
      return a >= e;
    case 'lt':
      return a < e;
    case 'le':
      return a <= e;
    default:
      return false;
  }
}

/** SCIM booleans as identity providers send them: true/false, or (Entra) "True"/"False" strings. */
export function scimBoolean(value: unknown, field: string): boolean {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string' && /^(true|false)$/i.test(value.trim())) return value.trim().toLowerCase() === 'true';
  throw new ScimPatchError('invalidValue', `${field} must be a boolean`);
}

export function isObject(value: unknown): value is Resource {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
