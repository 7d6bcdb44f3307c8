/**
 * SCIM filters (RFC 7644 §3.4.2.2), parsed into a tree and then narrowed to what Spendin can
 * answer: a conjunction (`and`) of equality tests on a few attributes. Pure: no Nest, no SQL.
 *
 * The parser reads the whole grammar (every operator, `or`, `not`, grouping, value paths) so that
 * a filter Spendin does not support is told apart from one that is not a filter at all; both are
 * the client's 400 `invalidFilter`, with a detail that says which.
 */

export type CompareOp = 'eq' | 'ne' | 'co' | 'sw' | 'ew' | 'gt' | 'ge' | 'lt' | 'le';
export type FilterValue = string | number | boolean | null;

/** An attribute path: `userName`, `name.givenName`, `emails[type eq "work"].value`. */
export interface AttributePath {
  /** Lower-cased attribute name without a schema URN prefix. */
  attribute: string;
  sub?: string;
  /** The filter inside brackets of a multi-valued attribute. */
  valueFilter?: FilterNode;
}

export type FilterNode =
  | { kind: 'compare'; path: AttributePath; op: CompareOp; value: FilterValue }
  | { kind: 'present'; path: AttributePath }
  | { kind: 'and' | 'or'; left: FilterNode; right: FilterNode }
  | { kind: 'not'; node: FilterNode };

export class ScimFilterError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ScimFilterError';
  }
}

/** Longest filter read; Okta and Entra send a few dozen characters. */
export const MAX_FILTER_LENGTH = 1000;
const COMPARE_OPS = new Set<CompareOp>(['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le']);
const SCHEMA_PREFIX = /^urn:ietf:params:scim:schemas:core:2\.0:(user|group):/i;

type Token = { type: 'word'; text: string } | { type: 'string'; text: string } | { type: '(' | ')' | '[' | ']' };

function tokenize(input: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < input.length) {
    const c = input[i];
    if (c === ' ' || c === '\t') {
      i++;
    } else if (c === '(' || c === ')' || c === '[' || c === ']') {
      tokens.push({ type: c });
      i++;
    } else if (c === '"') {
      let text = '';
      i++;
      for (;;) {
        if (i >= input.length) throw new ScimFilterError('A quoted value is not closed');
        const d = input[i];
        if (d === '"') break;
        if (d === '\\') {
          const escaped = input[i + 1];
          if (escaped === undefined) throw new ScimFilterError('A quoted value ends in a backslash');
          if (escaped === 'u') {
            const hex = input.slice(i + 2, i + 6);
            if (!/^[0-9a-fA-F]{4}$/.test(hex)) throw new ScimFilterError('A \\u escape needs four hex digits');
            text += String.fromCharCode(parseInt(hex, 16));
            i += 6;
            continue;
          }
          const simple: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', n: '\n', t: '\t', r: '\r' };
          if (!(escaped in simple)) throw new ScimFilterError(`Unknown escape \\${escaped} in a quoted value`);
          text += simple[escaped];
          i += 2;
          continue;
        }
        text += d;
        i++;
      }
      i++;
      tokens.push({ type: 'string', text });
    } else {
      const start = i;
      while (i < input.length && !' \t()[]"'.includes(input[i])) i++;
      tokens.push({ type: 'word', text: input.slice(start, i) });
    }
  }
  return tokens;
}

/** Parses a filter; throws ScimFilterError when it is not one. */
export function parseFilter(input: string): FilterNode {
  if (input.length > MAX_FILTER_LENGTH)
    throw new ScimFilterError(`A filter is at most ${MAX_FILTER_LENGTH} characters`);
  const tokens = tokenize(input);
  let at = 0;
  const peek = () => tokens[at];
  const word = (t: Token | undefined, text: string) => t?.type === 'word' && t.text.toLowerCase() === text;

  const parseOr = (): FilterNode => {
    let left = parseAnd();
    while (word(peek(), 'or')) {
      at++;
      left = { kind: 'or', left, right: parseAnd() };
    }
    return left;
  };
  const parseAnd = (): FilterNode => {
    let left = parseUnary();
    while (word(peek(), 'and')) {
      at++;
      left = { kind: 'and', left, right: parseUnary() };
    }
    return left;
  };
  const parseUnary = (): FilterNode => {
    const t = peek();
    if (word(t, 'not')) {
      at++;
      if (peek()?.type !== '(') throw new ScimFilterError('"not" must be followed by a parenthesized filter');
      return { kind: 'not', node: parseUnary() };
    }
    if (t?.type === '(') {
      at++;
      const inner = parseOr();
      if (peek()?.type !== ')') throw new ScimFilterError('A parenthesis is not closed');
      at++;
      return inner;
    }
    return parseComparison();
  };
  const parseComparison = (): FilterNode => {
    const t = peek();
    if (t?.type !== 'word') throw new ScimFilterError('Expected an attribute name');
    at++;
    const path = attributePath(t.text);
    if (peek()?.type === '[') {
      at++;
      path.valueFilter = parseOr();
      if (peek()?.type !== ']') throw new ScimFilterError('A value filter\'s "[" is not closed');
      at++;
      const next = peek();
      if (next?.type === 'word' && next.text.startsWith('.')) {
        at++;
        path.sub = subAttribute(next.text.slice(1));
      }
      // `emails[type eq "work"]` alone is a test of its own: some value matches the inner filter.
      if (!isOperator(peek())) return { kind: 'present', path };
    }
    const op = peek();
    if (op?.type !== 'word' || !isOperator(op)) throw new ScimFilterError(`Expected an operator after ${t.text}`);
    at++;
    const name = op.text.toLowerCase();
    if (name === 'pr') return { kind: 'present', path };
    return { kind: 'compare', path, op: name as CompareOp, value: parseValue() };
  };
  const parseValue = (): FilterValue => {
    const t = peek();
    at++;
    if (t?.type === 'string') return t.text;
    if (t?.type === 'word') {
      const lower = t.text.toLowerCase();
      if (lower === 'true') return true;
      if (lower === 'false') return false;
      if (lower === 'null') return null;
      if (/^-?\d+(\.\d+)?([eE][+-]?\d+)?$/.test(t.text)) return Number(t.text);
    }
    throw new ScimFilterError('Expected a value: a quoted string, a number, true, false or null');
  };

  if (tokens.length === 0) throw new ScimFilterError('The filter is empty');
  const tree = parseOr();
  if (at < tokens.length) throw new ScimFilterError('Unexpected text after the end of the filter');
  return tree;
}

function isOperator(t: Token | undefined): boolean {
  return t?.type === 'word' && (COMPARE_OPS.has(t.text.toLowerCase() as CompareOp) || t.text.toLowerCase() === 'pr');
}

const NAME = /^[A-Za-z][\w$-]*$/;

function attributePath(text: string): AttributePath {
  const bare = text.replace(SCHEMA_PREFIX, '');
  const [attribute, sub, ...rest] = bare.split('.');
  if (rest.length > 0 || !NAME.test(attribute) || (sub !== undefined && !NAME.test(sub)))
    throw new ScimFilterError(`${text} is not an attribute path`);
  return { attribute: attribute.toLowerCase(), ...(sub !== undefined ? { sub: sub.toLowerCase() } : {}) };
}

function subAttribute(text: string): string {
  if (!NAME.test(text)) throw new ScimFilterError(`${text} is not a sub-attribute`);
  return text.toLowerCase();
}

/** One equality test Spendin can run: a known attribute and the value it must equal. */
export interface Equality<A extends string> {
  attribute: A;
  value: string;
}

/**
 * Narrows a parsed filter to the equality tests of a resource type, all of which must hold.
 * `attributeOf` names the supported attribute a comparison's path stands for (or undefined).
 * Anything else (`or`, `not`, `co`, `pr`, an unknown attribute) is a ScimFilterError that says
 * what is supported.
 */
export function equalities<A extends string>(
  node: FilterNode,
  attributeOf: (path: AttributePath) => A | undefined,
  supported: string,
): Array<Equality<A>> {
  const unsupported = (what: string) =>
    new ScimFilterError(`${what} is not supported; filters may combine with "and": ${supported}`);
  switch (node.kind) {
    case 'and':
      return [...equalities(node.left, attributeOf, supported), ...equalities(node.right, attributeOf, supported)];
    case 'or':
      throw unsupported('"or"');
    case 'not':
      throw unsupported('"not"');
    case 'present':
      throw unsupported(node.path.valueFilter ? 'A value filter without a comparison' : '"pr"');
    case 'compare': {
      if (node.op !== 'eq') throw unsupported(`"${node.op}"`);
      const attribute = attributeOf(node.path);
      if (attribute === undefined) throw unsupported(`Filtering on ${describePath(node.path)}`);
      if (typeof node.value !== 'string' && typeof node.value !== 'boolean')
        throw new ScimFilterError(`${describePath(node.path)} is compared with a string`);
      return [{ attribute, value: String(node.value) }];
    }
  }
}

export function describePath(path: AttributePath): string {
  return `${path.attribute}${path.valueFilter ? '[…]' : ''}${path.sub ? `.${path.sub}` : ''}`;
}

/** Whether a value filter is exactly `<attribute> eq <value>` (`type eq "work"`, `primary eq true`). */
export function isEquality(node: FilterNode | undefined, attribute: string, value: FilterValue): boolean {
  return (
    node?.kind === 'compare' &&
    node.op === 'eq' &&
    node.path.attribute === attribute &&
    node.path.sub === undefined &&
    !node.path.valueFilter &&
    (typeof value === 'string' && typeof node.value === 'string'
      ? node.value.toLowerCase() === value.toLowerCase()
      : node.value === value)
  );
}
