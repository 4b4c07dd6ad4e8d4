// group_vars/ and host_vars/ beside the inventory file, as Ansible reads them: for a group or host
// named N, the file N, N.yml, N.yaml or N.json, or every such file in a folder N (in name order).
// Files are found by listing the folders and matching names, never by joining an inventory name to
// a path (a host may be called `../x`). Files for names the inventory does not have are ignored,
// as Ansible does.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { EdgeqatError } from '../../runtime/errors.js';
import { MAX_INVENTORY_BYTES, type Inventory, type VarMap } from './inventory.js';
import { parseYamlVarsFile } from './inventory-yaml.js';

const EXTENSIONS = ['', '.yml', '.yaml', '.json'];

export function readVarFiles(inv: Inventory): void {
  const base = dirname(inv.file);
  for (const [folder, entities] of [
    ['group_vars', inv.groups],
    ['host_vars', inv.hosts],
  ] as const) {
    const dir = join(base, folder);
    if (!existsSync(dir) || !statSync(dir).isDirectory()) continue;
    for (const entry of readdirSync(dir).sort()) {
      const ext = EXTENSIONS.find((e) => e !== '' && entry.endsWith(e)) ?? '';
      const target = entities.get(entry.slice(0, entry.length - ext.length));
      if (!target || entry.startsWith('.')) continue;
      const path = join(dir, entry);
      const files = statSync(path).isDirectory()
        ? readdirSync(path)
            .filter((f) => !f.startsWith('.') && EXTENSIONS.some((e) => (e === '' ? !f.includes('.') : f.endsWith(e))))
            .sort()
            .map((f) => join(path, f))
        : [path];
      for (const file of files) mergeInto(target.fileVars, readVarsFile(file));
    }
  }
}

function readVarsFile(path: string): VarMap {
  const size = statSync(path).size;
  if (size > MAX_INVENTORY_BYTES) throw new EdgeqatError('E_OPTION', `${path}: ${size} bytes; a variables file of more than ${MAX_INVENTORY_BYTES} bytes is refused`);
  return parseYamlVarsFile(readFileSync(path, 'utf8'), path);
}

function mergeInto(into: VarMap, from: VarMap): void {
  for (const [k, v] of from) into.set(k, v);
}
