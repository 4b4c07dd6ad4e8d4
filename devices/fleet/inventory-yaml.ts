// Ansible's YAML inventory (its `yaml` inventory plugin): a map of groups, each with `hosts` (a map
// of host name to its variables), `vars` and `children` (a map of groups, same shape). Unknown keys
// in a group are errors here (Ansible skips them with a warning; here a typo would silently drop
// hosts). Parsed with npm `yaml`, which gives every node's position: each problem names its line.
import { isAlias, isMap, isScalar, isSeq, LineCounter, parseAllDocuments, visit, type Alias, type Document, type Node, type Pair, type YAMLMap } from 'yaml';
import { expandHostRange } from './host-ranges.js';
import { InventoryBuilder, inventoryError, MAX_HOSTS, type Inventory, type VarMap } from './inventory.js';

const GROUP_KEYS = ['hosts', 'vars', 'children'];
/** Aliases a value may expand to (a YAML "billion laughs" is refused, not expanded). */
const MAX_ALIASES = 100;
const MAX_WALK = 4 * MAX_HOSTS;

export function parseYamlInventory(text: string, file: string): Inventory {
  const b: InventoryBuilder = new InventoryBuilder(file);
  const lines = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter: lines, uniqueKeys: false, prettyErrors: false });
  const where = (node: { range?: [number, number, number] | null } | null | undefined) => (node?.range ? lines.linePos(node.range[0]).line : 0);
  if (!Array.isArray(docs)) return b.finish(); // only comments and directives: names no host
  if (docs.length > 1) b.fail(where(docs[1].contents), 'more than one YAML document (---): an inventory is one');
  const doc = docs[0];
  if (!doc) return b.finish();
  const problem = doc.errors[0];
  if (problem) b.fail(problem.linePos ? problem.linePos[0].line : lines.linePos(problem.pos[0]).line, `not valid YAML (${problem.message.split('\n')[0]})`);

  const resolve = anchorResolver(doc);
  const mapOrNull = (node: unknown, what: string, line: number): YAMLMap | null => {
    const n = resolve(node);
    if (n === null || n === undefined || (isScalar(n) && n.value === null)) return null;
    if (!isMap(n)) b.fail(where(n as Node) || line, `${what}: expected a map (key: value lines), got ${describe(n)}`);
    const seen = new Set<string>();
    for (const pair of (n as YAMLMap).items) {
      const k = resolve(pair.key);
      const key = isScalar(k) ? String(k.value) : '';
      if (seen.has(key)) b.fail(where(k as Node), `${key}: given twice in ${what}`);
      seen.add(key);
    }
    return n as YAMLMap;
  };
  const keyOf = (pair: Pair): { key: string; line: number } => {
    const k = resolve(pair.key);
    const line = where(k as Node);
    if (!isScalar(k) || (typeof k.value !== 'string' && typeof k.value !== 'number')) b.fail(line, `a key must be a name, got ${describe(k)}`);
    return { key: String(k.value), line };
  };
  const readVars = (vars: VarMap, node: unknown, what: string, line: number) => {
    const m = mapOrNull(node, what, line);
    for (const pair of m?.items ?? []) {
      const { key, line: keyLine } = keyOf(pair);
      const v = resolve(pair.value);
      let value: unknown = null;
      if (isScalar(v)) value = v.value;
      else if (v !== null && v !== undefined) {
        try {
          value = (v as Node).toJS(doc as Document.Parsed, { maxAliasCount: MAX_ALIASES });
        } catch (e) {
          b.fail(keyLine, `${key}: ${(e as Error).message.split('\n')[0]}`);
        }
      }
      b.setVar(vars, key, value, keyLine);
    }
  };
  const visiting = new Set<string>();
  let walked = 0; // groups and hosts read: aliases can make a short file name the same subtree many times
  const readGroup = (name: string, node: unknown, line: number) => {
    if (++walked > MAX_WALK) b.fail(line, `more than ${MAX_WALK} groups and hosts to read (aliases repeating a subtree?)`);
    const g = b.group(name, line);
    if (visiting.has(name)) b.fail(line, `group ${name} is its own descendant`);
    const m = mapOrNull(node, `group ${name}`, line);
    if (!m) return;
    visiting.add(name);
    for (const pair of m.items) {
      const { key, line: keyLine } = keyOf(pair);
      if (!GROUP_KEYS.includes(key)) b.fail(keyLine, `${key} (in group ${name}): a group holds only hosts, vars and children`);
      if (key === 'vars') readVars(g.vars, pair.value, `vars of group ${name}`, keyLine);
      else if (key === 'hosts') {
        for (const hostPair of mapOrNull(pair.value, `hosts of group ${name}`, keyLine)?.items ?? []) {
          const { key: pattern, line: hostLine } = keyOf(hostPair);
          const { names, port } = yamlHostPattern(pattern, file, hostLine);
          for (const host of names) {
            if (++walked > MAX_WALK) b.fail(hostLine, `more than ${MAX_WALK} groups and hosts to read (aliases repeating a subtree?)`);
            const h = b.addHost(name, host, hostLine);
            if (port !== undefined) b.setVar(h.vars, 'ansible_port', port, hostLine);
            readVars(h.vars, hostPair.value, `host ${host}`, hostLine);
          }
        }
      } else {
        for (const childPair of mapOrNull(pair.value, `children of group ${name}`, keyLine)?.items ?? []) {
          const { key: child, line: childLine } = keyOf(childPair);
          b.addChild(name, child, childLine);
          readGroup(child, childPair.value, childLine);
        }
      }
    }
    visiting.delete(name);
  };

  for (const pair of mapOrNull(doc.contents, 'the inventory', 1)?.items ?? []) {
    const { key, line } = keyOf(pair);
    readGroup(key, pair.value, line);
  }
  return b.finish();
}

function yamlHostPattern(pattern: string, file: string, line: number): { names: string[]; port?: number } {
  const outside = pattern.replace(/\[[^\]]*\]/g, '');
  const m = /^(.*):(\d+)$/.exec(pattern);
  const withPort = m && (outside.match(/:/g) ?? []).length === 1;
  const name = withPort ? m[1] : pattern;
  const names = (outside.match(/:/g) ?? []).length > 1 ? [name] : expandHostRange(name);
  if (typeof names === 'string') throw inventoryError(file, line, names);
  return { names, port: withPort ? Number(m[2]) : undefined };
}

/**
 * Alias → the node its anchor names (the latest anchor of that name before the alias), from one
 * pass over the document: yaml's own Alias.resolve walks the whole document on every call.
 */
function anchorResolver(doc: Document.Parsed): (node: unknown) => unknown {
  const anchors = new Map<string, { at: number; node: Node }[]>();
  visit(doc, (_key, node) => {
    const n = node as Node & { anchor?: string };
    if (n && typeof n === 'object' && 'anchor' in n && n.anchor && n.range) anchors.set(n.anchor, [...(anchors.get(n.anchor) ?? []), { at: n.range[0], node: n }]);
  });
  return (node) => {
    if (!isAlias(node)) return node;
    const a = node as Alias;
    const at = a.range?.[0] ?? Infinity;
    return (anchors.get(a.source) ?? []).filter((x) => x.at < at).at(-1)?.node ?? null;
  };
}

function describe(n: unknown): string {
  if (isSeq(n)) return 'a list';
  if (isScalar(n)) return JSON.stringify(n.value);
  return typeof n;
}

/** A group_vars/ or host_vars/ file: one YAML map of variables (empty is allowed). */
export function parseYamlVarsFile(text: string, file: string): VarMap {
  const b: InventoryBuilder = new InventoryBuilder(file);
  const lines = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter: lines, uniqueKeys: false, prettyErrors: false });
  const vars: VarMap = new Map();
  if (!Array.isArray(docs) || docs.length === 0) return vars;
  const doc = docs[0];
  const problem = doc.errors[0];
  if (problem) b.fail(problem.linePos ? problem.linePos[0].line : lines.linePos(problem.pos[0]).line, `not valid YAML (${problem.message.split('\n')[0]})`);
  if (docs.length > 1) b.fail(0, 'more than one YAML document (---): a variables file is one map');
  const contents = doc.contents;
  if (contents === null || (isScalar(contents) && contents.value === null)) return vars;
  if (!isMap(contents)) b.fail(1, `expected a map of variables, got ${describe(contents)}`);
  for (const pair of contents.items) {
    const k = pair.key;
    const line = isScalar(k) && k.range ? lines.linePos(k.range[0]).line : 0;
    if (!isScalar(k) || typeof k.value !== 'string') b.fail(line, 'a variable name must be a string');
    if (vars.has(k.value)) b.fail(line, `${k.value}: given twice`);
    const v = isAlias(pair.value) ? pair.value.resolve(doc) : pair.value;
    let value: unknown = null;
    try {
      value = isScalar(v) ? v.value : v ? (v as Node).toJS(doc, { maxAliasCount: MAX_ALIASES }) : null;
    } catch (e) {
      b.fail(line, `${k.value}: ${(e as Error).message.split('\n')[0]}`);
    }
    b.setVar(vars, k.value, value, line);
  }
  return vars;
}
