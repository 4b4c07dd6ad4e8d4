// Reads an inventory file in either form, then group_vars/ and host_vars/ beside it.
import { resolve } from 'node:path';
import { readInventoryText, type Inventory } from './inventory.js';
import { parseIniInventory } from './inventory-ini.js';
import { readVarFiles } from './inventory-var-files.js';
import { parseYamlInventory } from './inventory-yaml.js';

export function loadInventory(path: string): Inventory {
  const { text, yaml } = readInventoryText(path);
  const inv = yaml ? parseYamlInventory(text, path) : parseIniInventory(text, path);
  readVarFiles({ ...inv, file: resolve(path) });
  return inv;
}
