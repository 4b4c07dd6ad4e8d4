// From an inventory to the hosts a fleet command acts on: --limit picks hosts (Ansible's pattern
// terms), each host's variables are merged as Ansible merges them, and the variables edgeqat reads
// become a DeployTarget. Problems are one line naming file, line and key; only the selected hosts'
// variables are checked (an inventory may hold hosts edgeqat is not asked about, e.g. Windows
// machines with their own connection settings).
import { existsSync } from 'node:fs';
import os from 'node:os';
import { EdgeqatError } from '../../runtime/errors.js';
import { checkDeployTarget, type DeployTarget } from '../deploy/deploy.js';
import { checkHost } from '../deploy/ssh.js';
import { deviceProfile, type DeviceProfile } from '../profiles.js';
import { inventoryError, type Inventory, type InventoryGroup, type InventoryHost, type InventoryValue, type VarMap } from './inventory.js';
import { INVENTORY_VARIABLES, unsupportedReason } from './inventory-variables.js';

export interface FleetHost {
  /** The inventory's name for the host (data: shown, never run). */
  name: string;
  profile: DeviceProfile;
  target: DeployTarget;
}

/** Settings that are the same for every host (the command line's). */
export type FleetCommon = Pick<DeployTarget, 'configFile' | 'acceptNewHostKey' | 'bandwidthKbps' | 'uploadTimeoutMs' | 'runTimeoutMs'>;

export interface FleetHostOptions {
  /** Given on the command line: win over the inventory, as Ansible's -e does. */
  overrides: { device?: string; dir?: string; node?: string; name?: string; port?: number; identity?: string; timeout?: number };
  /** Used when neither the command line nor the inventory says. */
  defaults: { device: string; name: string; node: string; timeout: number };
  common: FleetCommon;
}

// ---- selection -------------------------------------------------------------------------------

/**
 * The hosts a --limit selects, in inventory order: comma-separated terms, each a group or host
 * name or a glob with `*`; `!term` removes, `&term` keeps only hosts also in term (Ansible's
 * pattern rules). No limit: every host.
 */
export function selectHosts(inv: Inventory, limit?: string): InventoryHost[] {
  const all = [...inv.hosts.keys()];
  if (limit === undefined) return all.map((h) => inv.hosts.get(h)!);
  const terms = limit.split(',').map((t) => t.trim());
  if (terms.some((t) => t === '' || t === '!' || t === '&')) throw new EdgeqatError('E_OPTION', `--limit ${JSON.stringify(limit)}: an empty term`);
  const plain = terms.filter((t) => !t.startsWith('!') && !t.startsWith('&'));
  let chosen = new Set(plain.length ? plain.flatMap((t) => matchTerm(inv, t)) : all);
  for (const t of terms.filter((x) => x.startsWith('&'))) {
    const keep = new Set(matchTerm(inv, t.slice(1)));
    chosen = new Set([...chosen].filter((h) => keep.has(h)));
  }
  for (const t of terms.filter((x) => x.startsWith('!'))) for (const h of matchTerm(inv, t.slice(1))) chosen.delete(h);
  if (chosen.size === 0) throw new EdgeqatError('E_OPTION', `--limit ${JSON.stringify(limit)} selects no host of ${inv.file}`);
  return all.filter((h) => chosen.has(h)).map((h) => inv.hosts.get(h)!);
}

function matchTerm(inv: Inventory, term: string): string[] {
  const glob = term.includes('*') ? new RegExp(`^${term.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`) : null;
  const groups = [...inv.groups.values()].filter((g) => (glob ? glob.test(g.name) : g.name === term));
  const hosts = new Set(groups.flatMap((g) => hostsOf(inv, g)));
  for (const h of inv.hosts.keys()) if (glob ? glob.test(h) : h === term) hosts.add(h);
  if (hosts.size === 0) throw new EdgeqatError('E_OPTION', `--limit: ${JSON.stringify(term)} names no group or host of ${inv.file}`);
  return [...hosts];
}

/** Every host of a group and of its children, at any depth. */
function hostsOf(inv: Inventory, g: InventoryGroup, seen = new Set<string>()): string[] {
  if (g.name === 'all') return [...inv.hosts.keys()];
  if (seen.has(g.name)) return [];
  seen.add(g.name);
  return [...g.hosts, ...g.children.flatMap((c) => hostsOf(inv, inv.groups.get(c)!, seen))];
}

// ---- variables -------------------------------------------------------------------------------

/**
 * A host's variables as Ansible merges them, lowest first: the inventory file's group vars (groups
 * by depth below `all`, then ansible_group_priority, then name), group_vars/all, group_vars/<group>
 * (same order), the inventory file's host vars, host_vars/<host>.
 */
export function hostVars(inv: Inventory, host: InventoryHost): VarMap {
  const groups = groupsOf(inv, host.name);
  const merged: VarMap = new Map();
  const put = (vars: VarMap) => vars.forEach((v, k) => merged.set(k, v));
  groups.forEach((g) => put(g.vars));
  put(inv.groups.get('all')!.fileVars);
  groups.filter((g) => g.name !== 'all').forEach((g) => put(g.fileVars));
  put(host.vars);
  put(host.fileVars);
  merged.delete('ansible_group_priority'); // a property of groups, not a host variable (as in Ansible)
  return merged;
}

/** The groups a host belongs to (directly or through children), sorted as Ansible applies their vars. */
function groupsOf(inv: Inventory, host: string): InventoryGroup[] {
  const parents = new Map<string, string[]>();
  for (const g of inv.groups.values()) for (const c of g.children) parents.set(c, [...(parents.get(c) ?? []), g.name]);
  const depth = new Map<string, number>();
  const depthOf = (name: string): number => {
    if (name === 'all') return 0;
    if (!depth.has(name)) depth.set(name, 1 + Math.max(0, ...(parents.get(name) ?? []).map(depthOf)));
    return depth.get(name)!;
  };
  const member = new Set<string>(['all']);
  const addUp = (name: string) => {
    if (member.has(name)) return;
    member.add(name);
    (parents.get(name) ?? []).forEach(addUp);
  };
  for (const g of inv.groups.values()) if (g.hosts.includes(host)) addUp(g.name);
  const priority = (g: InventoryGroup) => Number(g.vars.get('ansible_group_priority')?.value ?? g.fileVars.get('ansible_group_priority')?.value ?? 1) || 1;
  return [...member]
    .map((n) => inv.groups.get(n)!)
    .sort((a, b) => depthOf(a.name) - depthOf(b.name) || priority(a) - priority(b) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

// ---- hosts to deploy targets -----------------------------------------------------------------

export function fleetHosts(inv: Inventory, limit: string | undefined, opts: FleetHostOptions): FleetHost[] {
  const hosts = selectHosts(inv, limit).map((h) => fleetHost(inv, h, opts));
  const seen = new Map<string, string>();
  for (const h of hosts) {
    const t = h.target;
    const key = JSON.stringify([t.host, t.port ?? 22, t.dir, t.name]);
    const other = seen.get(key);
    if (other !== undefined) {
      throw new EdgeqatError('E_OPTION', `${inv.file}: hosts ${JSON.stringify(other)} and ${JSON.stringify(h.name)} are the same device and folder (${t.host}:${t.port ?? 22} ${t.dir}/${t.name}); two deploys there at once would race`);
    }
    seen.set(key, h.name);
  }
  return hosts;
}

function fleetHost(inv: Inventory, host: InventoryHost, opts: FleetHostOptions): FleetHost {
  const vars = hostVars(inv, host);
  const problem = (v: InventoryValue | undefined, key: string, text: string): never => {
    throw inventoryError(v?.file ?? host.file, v?.line ?? host.line, `${key} (host ${JSON.stringify(host.name)}): ${text}`);
  };
  for (const [key, v] of vars) {
    const reason = unsupportedReason(key, v.value);
    if (reason) problem(v, key, reason);
    if (key in INVENTORY_VARIABLES && typeof v.value === 'string' && /\{\{|\{%/.test(v.value)) {
      problem(v, key, 'a template ({{ … }}); edgeqat does not evaluate templates: give the value itself');
    }
  }
  const str = (key: string): string | undefined => {
    const v = vars.get(key);
    if (v === undefined || v.value === null) return undefined;
    if (typeof v.value !== 'string' && typeof v.value !== 'number') problem(v, key, `expected text, got ${JSON.stringify(v.value)}`);
    const s = String(v.value);
    // eslint-disable-next-line no-control-regex
    if (s === '' || /[\u0000-\u001f\u007f]/.test(s)) problem(v, key, `must be non-empty and free of control characters, got ${JSON.stringify(s)}`);
    return s;
  };
  const int = (key: string, min: number, max: number): number | undefined => {
    const s = str(key);
    if (s === undefined) return undefined;
    if (!/^\d+$/.test(s) || Number(s) < min || Number(s) > max) problem(vars.get(key), key, `expected an integer in ${min}..${max}, got ${JSON.stringify(s)}`);
    return Number(s);
  };
  const first = (...keys: string[]) => keys.find((k) => vars.has(k) && vars.get(k)!.value !== null);

  const addressKey = first('ansible_host', 'ansible_ssh_host');
  const address = addressKey ? str(addressKey)! : host.name;
  if (address.includes('@') || !isHostAddress(address)) {
    if (addressKey) problem(vars.get(addressKey), addressKey, `not a host name or IP address: ${JSON.stringify(address)}`);
    throw inventoryError(host.file, host.line, `host ${JSON.stringify(host.name)}: its name is not a host name or IP address; set ansible_host`);
  }
  const userKey = first('ansible_user', 'ansible_ssh_user');
  const user = userKey ? str(userKey)! : undefined;
  if (user !== undefined && !/^[A-Za-z0-9._][A-Za-z0-9._-]*$/.test(user)) problem(vars.get(userKey!), userKey!, `not a user name: ${JSON.stringify(user)}`);
  const portKey = first('ansible_port', 'ansible_ssh_port');
  const keyKey = first('ansible_ssh_private_key_file', 'ansible_private_key_file');
  let identity = keyKey ? str(keyKey) : undefined;
  if (identity !== undefined) {
    identity = identity.replace(/^~(?=\/|$)/, os.homedir());
    if (!existsSync(identity)) problem(vars.get(keyKey!), keyKey!, `${identity}: no such key file`);
  }
  const deviceName = opts.overrides.device ?? str('edgeqat_device') ?? opts.defaults.device;
  let profile: DeviceProfile;
  try {
    profile = deviceProfile(deviceName);
  } catch (e) {
    if (opts.overrides.device === undefined && vars.has('edgeqat_device')) problem(vars.get('edgeqat_device'), 'edgeqat_device', (e as Error).message);
    throw e;
  }
  const timeout = int('ansible_timeout', 1, 3600);
  const target: DeployTarget = {
    ...opts.common,
    connectTimeout: opts.overrides.timeout ?? timeout ?? opts.defaults.timeout,
    host: `${user !== undefined ? `${user}@` : ''}${address}`,
    port: opts.overrides.port ?? (portKey ? int(portKey, 1, 65535) : undefined),
    identity: opts.overrides.identity ?? identity,
    dir: opts.overrides.dir ?? str('edgeqat_dir') ?? profile.deployDir,
    name: opts.overrides.name ?? str('edgeqat_name') ?? opts.defaults.name,
    node: opts.overrides.node ?? str('edgeqat_node') ?? opts.defaults.node,
  };
  try {
    checkDeployTarget(target);
  } catch (e) {
    const key = /^--(\w+)/.exec((e as Error).message)?.[1];
    const varKey = key && { name: 'edgeqat_name', dir: 'edgeqat_dir', node: 'edgeqat_node' }[key];
    if (varKey && vars.has(varKey) && opts.overrides[key as 'name' | 'dir' | 'node'] === undefined) problem(vars.get(varKey), varKey, (e as Error).message.replace(/^--\w+ /, ''));
    throw e;
  }
  return { name: host.name, profile, target };
}

function isHostAddress(address: string): boolean {
  try {
    checkHost(address);
    return true;
  } catch {
    return false;
  }
}
