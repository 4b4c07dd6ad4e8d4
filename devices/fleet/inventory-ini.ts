// Ansible's INI inventory, read as Ansible's own `ini` inventory plugin reads it: lines before any
// section are `ungrouped` hosts; `[g]` hosts, `[g:vars]` key=value, `[g:children]` group names;
// `#` and `;` start comment lines. A host line is split like a POSIX shell word list (quotes,
// backslashes, `#` comments; Python's shlex, which Ansible uses): `name[:port] key=value …`, with
// ranges (host-ranges.ts). Values are typed as Ansible types them (Python literals: 22 is a number,
// 'x' a string, True a boolean); anything else stays the text. Written here rather than taken from
// npm: INI packages read `key=value` lines, not Ansible's host lines, ranges and :children.
import { expandHostRange } from './host-ranges.js';
import { InventoryBuilder, inventoryError, type Inventory } from './inventory.js';

const SECTION = /^\[([^:\]\s]+)(?::(\w+))?\]\s*(?:#.*)?$/;
const GROUP_LINE = /^([^:\]\s]+)\s*(?:#.*)?$/;

export function parseIniInventory(text: string, file: string): Inventory {
  const b: InventoryBuilder = new InventoryBuilder(file);
  let group = 'ungrouped';
  let kind: 'hosts' | 'vars' | 'children' = 'hosts';
  // Ansible wants every group named by [g:vars] or a :children line declared by [g] or [g:children].
  const declared = new Set(['all', 'ungrouped']);
  const referenced = new Map<string, { line: number; how: string }>();
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, i) => {
    const line = raw.trim();
    const n = i + 1;
    if (line === '' || line.startsWith('#') || line.startsWith(';')) return;
    const section = SECTION.exec(line);
    if (section) {
      const tag = section[2] ?? 'hosts';
      if (tag !== 'hosts' && tag !== 'vars' && tag !== 'children') b.fail(n, `section [${section[1]}:${tag}]: the kind is hosts, vars or children`);
      group = section[1];
      kind = tag as typeof kind;
      b.group(group, n);
      if (kind === 'vars') {
        if (!referenced.has(group)) referenced.set(group, { line: n, how: `[${group}:vars] is for a group` });
      } else declared.add(group);
      return;
    }
    if (line.startsWith('[')) b.fail(n, `section ${JSON.stringify(line)}: expected [group], [group:vars] or [group:children] (no spaces)`);
    if (kind === 'children') {
      const m = GROUP_LINE.exec(line);
      if (!m) b.fail(n, `[${group}:children]: expected a group name, got ${JSON.stringify(line)}`);
      b.addChild(group, m[1], n);
      if (!referenced.has(m[1])) referenced.set(m[1], { line: n, how: `[${group}:children] names group ${m[1]},` });
    } else if (kind === 'vars') {
      const eq = line.indexOf('=');
      if (eq < 0) b.fail(n, `[${group}:vars]: expected key=value, got ${JSON.stringify(line)}`);
      b.setVar(b.group(group, n).vars, line.slice(0, eq).trim(), pythonLiteral(line.slice(eq + 1).trim()), n);
    } else {
      hostLine(b, group, line, n);
    }
  });
  for (const [name, r] of referenced) if (!declared.has(name)) b.fail(r.line, `${r.how} which the inventory does not declare (no [${name}] or [${name}:children] section)`);
  return b.finish();
}

function hostLine(b: InventoryBuilder, group: string, line: string, n: number): void {
  const tokens = shellWords(line);
  if (typeof tokens === 'string') b.fail(n, `host line: ${tokens}`);
  if (tokens.length === 0) return;
  const [pattern, ...assignments] = tokens;
  if (pattern === '---') b.fail(n, "'---' starts a YAML document: name the file .yml so it is read as YAML");
  const { names, port } = hostPattern(pattern, b.file, n);
  const vars: [string, unknown][] = [];
  for (const t of assignments) {
    const eq = t.indexOf('=');
    if (eq <= 0) b.fail(n, `host ${pattern}: expected key=value, got ${JSON.stringify(t)}`);
    vars.push([t.slice(0, eq), pythonLiteral(t.slice(eq + 1))]);
  }
  for (const name of names) {
    const h = b.addHost(group, name, n);
    if (port !== undefined) b.setVar(h.vars, 'ansible_port', port, n);
    for (const [k, v] of vars) b.setVar(h.vars, k, v, n);
  }
}

/** `name`, `name:port`, ranges; a bare IPv6 address (several ':') has no port. */
function hostPattern(pattern: string, file: string, n: number): { names: string[]; port?: number } {
  let name = pattern;
  let port: number | undefined;
  const outsideRanges = pattern.replace(/\[[^\]]*\]/g, '');
  const m = /^(.*):(\d+)$/.exec(pattern);
  if (m && (outsideRanges.match(/:/g) ?? []).length === 1) {
    name = m[1].replace(/^\[(.*)\]$/, '$1');
    port = Number(m[2]);
  } else if (pattern.endsWith(':')) {
    throw inventoryError(file, n, `host ${JSON.stringify(pattern)}: a ':' at the end is reserved for a port`);
  }
  const names = (outsideRanges.match(/:/g) ?? []).length > 1 && !pattern.includes('[') ? [name] : expandHostRange(name);
  if (typeof names === 'string') throw inventoryError(file, n, names);
  return { names, port };
}

/** Python's shlex.split(line, comments=True) in POSIX mode: words, quotes, backslash escapes, `#` comments. */
export function shellWords(line: string): string[] | string {
  const words: string[] = [];
  let word: string | null = null;
  let i = 0;
  while (i < line.length) {
    const c = line[i];
    if (c === ' ' || c === '\t') {
      if (word !== null) words.push(word);
      word = null;
      i++;
    } else if (c === '#' && word === null) {
      break;
    } else if (c === "'") {
      const end = line.indexOf("'", i + 1);
      if (end < 0) return 'no closing quotation';
      word = (word ?? '') + line.slice(i + 1, end);
      i = end + 1;
    } else if (c === '"') {
      let out = '';
      let j = i + 1;
      for (; j < line.length && line[j] !== '"'; j++) {
        if (line[j] === '\\' && j + 1 < line.length && '\\"$`\n'.includes(line[j + 1])) j++;
        out += line[j];
      }
      if (j >= line.length) return 'no closing quotation';
      word = (word ?? '') + out;
      i = j + 1;
    } else if (c === '\\') {
      if (i + 1 >= line.length) return 'no escaped character';
      word = (word ?? '') + line[i + 1];
      i += 2;
    } else {
      word = (word ?? '') + c;
      i++;
    }
  }
  if (word !== null) words.push(word);
  return words;
}

/** What ast.literal_eval makes of the simple cases (Ansible types INI values with it); else the text. */
export function pythonLiteral(v: string): unknown {
  if (/^[+-]?\d+$/.test(v)) return Number(v);
  if (/^[+-]?(\d+\.\d*|\.\d+)([eE][+-]?\d+)?$/.test(v)) return Number(v);
  if (v === 'True' || v === 'False') return v === 'True';
  if (v === 'None') return null;
  const q = /^'((?:[^'\\]|\\.)*)'$/.exec(v) ?? /^"((?:[^"\\]|\\.)*)"$/.exec(v);
  if (q) return q[1].replace(/\\(.)/g, (_, ch: string) => ({ n: '\n', t: '\t', r: '\r' })[ch] ?? ch);
  return v;
}
