// An Ansible inventory as edgeqat reads it: groups (with `all` and `ungrouped` as Ansible makes
// them), children, hosts, and variables with the file and line each came from, so that every
// problem is one line naming file, line and key. The INI and YAML forms are parsed by
// inventory-ini.ts and inventory-yaml.ts into the same builder; group_vars/ and host_vars/ beside
// the file by inventory-var-files.ts. Names and values are data: nothing here runs them.
import { readFileSync, statSync } from 'node:fs';
import { extname } from 'node:path';
import { EdgeqatError } from '../../runtime/errors.js';

export interface InventoryValue {
  /** A string, number or boolean (INI values are strings); lists and maps as plain JS values. */
  value: unknown;
  file: string;
  line: number;
}

export type VarMap = Map<string, InventoryValue>;

export interface InventoryGroup {
  name: string;
  file: string;
  line: number;
  /** Hosts listed directly in the group, in file order. */
  hosts: string[];
  children: string[];
  vars: VarMap;
  /** From group_vars/<name>[.yml|.yaml|.json]: above every inventory-file group var (Ansible's precedence). */
  fileVars: VarMap;
}

export interface InventoryHost {
  name: string;
  file: string;
  line: number;
  vars: VarMap;
  /** From host_vars/<name>…: above the inventory file's host vars. */
  fileVars: VarMap;
}

export interface Inventory {
  file: string;
  groups: Map<string, InventoryGroup>;
  /** In the order the file first names them. */
  hosts: Map<string, InventoryHost>;
}

/** An inventory larger than this is refused before it is read (a fleet's file is a few KB). */
export const MAX_INVENTORY_BYTES = 8 * 2 ** 20;
/** Hosts one inventory may expand to (ranges like pi[0001:9999] included). */
export const MAX_HOSTS = 100_000;

// Ansible's group names: letters, digits, underscores (dashes warn there, accepted here).
const GROUP_NAME = /^[A-Za-z_][A-Za-z0-9_-]*$/;
const VAR_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

export class InventoryBuilder {
  readonly groups = new Map<string, InventoryGroup>();
  readonly hosts = new Map<string, InventoryHost>();

  constructor(readonly file: string) {
    this.group('all', 0);
    this.group('ungrouped', 0);
  }

  fail(line: number, message: string): never {
    throw inventoryError(this.file, line, message);
  }

  group(name: string, line: number): InventoryGroup {
    const known = this.groups.get(name);
    if (known) return known;
    if (!GROUP_NAME.test(name)) this.fail(line, `group name ${JSON.stringify(name)}: use letters, digits, '_' and '-' (starting with a letter or '_')`);
    const g: InventoryGroup = { name, file: this.file, line, hosts: [], children: [], vars: new Map(), fileVars: new Map() };
    this.groups.set(name, g);
    return g;
  }

  host(name: string, line: number): InventoryHost {
    const known = this.hosts.get(name);
    if (known) return known;
    if (name === '' || CONTROL.test(name)) this.fail(line, `host name ${JSON.stringify(name)}: empty or holding control characters`);
    if (this.hosts.size >= MAX_HOSTS) this.fail(line, `more than ${MAX_HOSTS} hosts`);
    const h: InventoryHost = { name, file: this.file, line, vars: new Map(), fileVars: new Map() };
    this.hosts.set(name, h);
    return h;
  }

  addHost(group: string, host: string, line: number): InventoryHost {
    const g = this.group(group, line);
    const h = this.host(host, line);
    if (!g.hosts.includes(host)) g.hosts.push(host);
    return h;
  }

  addChild(parent: string, child: string, line: number): void {
    if (child === 'all') this.fail(line, `group 'all' cannot be a child of ${parent}`);
    const p = this.group(parent, line);
    this.group(child, line);
    if (!p.children.includes(child)) p.children.push(child);
  }

  setVar(vars: VarMap, key: string, value: unknown, line: number, file = this.file): void {
    if (!VAR_NAME.test(key)) throw inventoryError(file, line, `variable name ${JSON.stringify(key)}: use letters, digits and '_' (starting with a letter or '_')`);
    vars.set(key, { value, file, line });
  }

  finish(): Inventory {
    const all = this.groups.get('all')!;
    const ungrouped = this.groups.get('ungrouped')!;
    for (const g of this.groups.values()) {
      if (g.name !== 'all' && !this.parentsOf(g.name).length) all.children.push(g.name);
    }
    const grouped = new Set<string>();
    for (const g of this.groups.values()) if (g.name !== 'all' && g.name !== 'ungrouped') g.hosts.forEach((h) => grouped.add(h));
    for (const h of this.hosts.keys()) if (!grouped.has(h) && !ungrouped.hosts.includes(h)) ungrouped.hosts.push(h);
    this.checkNoCycle();
    if (this.hosts.size === 0) throw new EdgeqatError('E_OPTION', `${this.file}: the inventory names no host`);
    return { file: this.file, groups: this.groups, hosts: this.hosts };
  }

  private parentsOf(name: string): InventoryGroup[] {
    return [...this.groups.values()].filter((g) => g.children.includes(name));
  }

  private checkNoCycle(): void {
    const state = new Map<string, 'open' | 'done'>();
    const visit = (name: string, path: string[]) => {
      if (state.get(name) === 'done') return;
      const g = this.groups.get(name)!;
      if (state.get(name) === 'open') this.fail(g.line, `group ${name} is its own descendant (${[...path, name].join(' > ')})`);
      state.set(name, 'open');
      for (const c of g.children) visit(c, [...path, name]);
      state.set(name, 'done');
    };
    for (const name of this.groups.keys()) visit(name, []);
  }
}

export function inventoryError(file: string, line: number, message: string): EdgeqatError {
  return new EdgeqatError('E_OPTION', `${file}${line > 0 ? `:${line}` : ''}: ${message}`);
}

/** Reads an inventory file: YAML for .yml/.yaml/.json (or content that starts like YAML), INI otherwise. */
export function readInventoryText(path: string): { text: string; yaml: boolean } {
  let size: number;
  try {
    const st = statSync(path);
    if (!st.isFile()) throw new EdgeqatError('E_OPTION', `${path}: not a file (--inventory names one inventory file)`);
    size = st.size;
  } catch (e) {
    if (e instanceof EdgeqatError) throw e;
    throw new EdgeqatError('E_OPTION', `${path}: no such inventory file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  if (size > MAX_INVENTORY_BYTES) throw new EdgeqatError('E_OPTION', `${path}: ${size} bytes; an inventory of more than ${MAX_INVENTORY_BYTES} bytes is refused`);
  const bytes = readFileSync(path);
  const text = new TextDecoder('utf-8', { fatal: false }).decode(bytes);
  if (text.includes('\u0000')) throw new EdgeqatError('E_OPTION', `${path}: holds NUL bytes; not an inventory`);
  const ext = extname(path).toLowerCase();
  if (['.yml', '.yaml', '.json'].includes(ext)) return { text, yaml: true };
  if (['.ini', '.cfg', '.hosts'].includes(ext)) return { text, yaml: false };
  return { text, yaml: looksLikeYaml(text) };
}

/** No extension (Ansible's usual `hosts`): YAML if the first significant line is `---`, `{`, or `key:`. */
function looksLikeYaml(text: string): boolean {
  const first = text.split(/\r?\n/).map((l) => l.trim()).find((l) => l !== '' && !l.startsWith('#') && !l.startsWith(';'));
  return first !== undefined && (first.startsWith('---') || first.startsWith('{') || /^[^\s[=]+:\s*(#.*)?$/.test(first));
}
