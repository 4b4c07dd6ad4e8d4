// Ansible inventories as edgeqat reads them (devices/fleet/), checked against Ansible itself:
// `ansible-inventory --list` for each host's merged variables and `ansible <pattern> --list-hosts`
// for --limit, on the same files (INI and YAML, with group_vars/ and host_vars/). Then bad input:
// every problem one line naming file, line and key (a table of cases), and bounded work on a YAML
// alias bomb. No network: nothing here connects.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fleetHosts, hostVars, selectHosts, type FleetHostOptions } from '../devices/fleet/fleet-hosts.js';
import { loadInventory } from '../devices/fleet/inventory-load.js';
import { shellWords } from '../devices/fleet/inventory-ini.js';
import { itNeeding } from './helpers/needs.js';

const tmp = mkdtempSync(join(os.tmpdir(), 'edgeqat-inventory-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function ansibleMissing(): string | null {
  const r = spawnSync('sh', ['-c', 'command -v ansible-inventory && command -v ansible'], { stdio: 'ignore' });
  return r.status === 0 ? null : 'ansible (apt-get install ansible; .ci/run does)';
}
const noAnsible = ansibleMissing();
/** Ansible run on our files, with no configuration of the machine's or the user's. */
function ansible(cmd: string, args: string[], cwd: string): string {
  writeFileSync(join(cwd, 'ansible.cfg'), '');
  return execFileSync(cmd, args, { cwd, encoding: 'utf8', env: { ...process.env, ANSIBLE_CONFIG: join(cwd, 'ansible.cfg'), ANSIBLE_LOCAL_TEMP: join(cwd, '.ansible-tmp'), ANSIBLE_HOME: join(cwd, '.ansible') } });
}

/** A folder holding an inventory and its group_vars/ and host_vars/. */
function project(name: string, files: Record<string, string>): string {
  const dir = join(tmp, name);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

const VAR_FILES = {
  'group_vars/fleet.yml': 'f: from_group_vars_fleet\nh: [1, 2]\n',
  'group_vars/all.yml': 'g: from_group_vars_all\n',
  'host_vars/pi02.lan.yml': 'a: from_host_vars\n',
  'host_vars/labpc/main.yml': 'k: from_a_folder\n',
  'host_vars/not-in-inventory.yml': 'ignored: true\n',
};

const INI = `top1 a=1
; comment
[pis]
pi[01:03].lan ansible_user=pi b="two words"
pi09:2222 c='x' d=True e=3.5   # a comment

[lab]
pi02.lan
labpc ansible_host=10.0.0.5

[pis:vars]
a=pis
z=  spaced value

[fleet:children]
pis
lab

[fleet:vars]
a=fleet
f=fleet
[lab:vars]
ansible_group_priority=5
p=lab

[pis:vars]
p=pis

[all:vars]
a=all
g=all
`;

const YAML = `all:
  vars: { a: all, g: all }
  hosts:
    top1: { a: 1 }
  children:
    fleet:
      vars: { a: fleet, f: fleet }
      children:
        pis:
          vars: { a: pis, z: spaced value, p: pis }
          hosts:
            pi[01:03].lan: { ansible_user: pi, b: two words }
            pi09:2222: { c: x, d: true, e: 3.5 }
        lab:
          vars: { ansible_group_priority: 5, p: lab }
          hosts:
            pi02.lan:
            labpc: { ansible_host: 10.0.0.5 }
`;

describe('inventories read as Ansible reads them', () => {
  for (const [form, file, text] of [
    ['INI', 'hosts', INI],
    ['YAML', 'hosts.yml', YAML],
  ] as const) {
    itNeeding(noAnsible, `${form}: hosts, groups, children, ranges, ports and every host's merged variables equal ansible-inventory --list`, () => {
      const dir = project(`same-${form}`, { [file]: text, ...VAR_FILES });
      const inv = loadInventory(join(dir, file));
      const ours = Object.fromEntries([...inv.hosts.values()].map((h) => [h.name, Object.fromEntries([...hostVars(inv, h)].map(([k, v]) => [k, v.value]))]));
      const theirs = JSON.parse(ansible('ansible-inventory', ['-i', file, '--list'], dir))._meta.hostvars;
      expect(ours).toEqual(theirs);
      expect(Object.keys(ours).sort()).toEqual(['labpc', 'pi01.lan', 'pi02.lan', 'pi03.lan', 'pi09', 'top1']);
      expect(ours['pi02.lan'].p).toBe('lab'); // ansible_group_priority 5 applies lab after pis

      for (const pattern of ['all', 'pis', 'pis,!pi02.lan', 'pis,&lab', 'pi0*', 'fleet,!lab', 'ungrouped', 'top1,labpc']) {
        const listed = ansible('ansible', [pattern, '-i', file, '--list-hosts'], dir).split('\n').slice(1).map((l) => l.trim()).filter((l) => l);
        expect(selectHosts(inv, pattern).map((h) => h.name).sort(), pattern).toEqual(listed.sort());
      }
    });
  }

  it('splits host lines as Python shlex does (quotes, escapes, comments)', () => {
    expect(shellWords(`h a="x y" b='it''s' c=\\$(z) # rest`)).toEqual(['h', 'a=x y', 'b=its', 'c=$(z)']);
    expect(shellWords(`h a="q\\"uote"`)).toEqual(['h', 'a=q"uote']);
    expect(shellWords(`h a="open`)).toBe('no closing quotation');
  });
});

const opts = (o: Partial<FleetHostOptions['overrides']> = {}): FleetHostOptions => ({
  overrides: o,
  defaults: { device: 'rpi4', name: 'mlp', node: 'node', timeout: 10 },
  common: { uploadTimeoutMs: 1000, runTimeoutMs: 1000 },
});

describe('bad inventories: one line naming file, line and key', () => {
  const key = join(tmp, 'id_key');
  writeFileSync(key, 'not really a key, only has to exist\n');
  // [file name, content, --limit or null, the message after "<file>:"]
  const cases: [string, string, string | null, string][] = [
    ['a.ini', '[pis\npi1\n', null, '1: section "[pis": expected [group], [group:vars] or [group:children] (no spaces)'],
    ['b.ini', '[pis:hosts2]\npi1\n', null, '1: section [pis:hosts2]: the kind is hosts, vars or children'],
    ['c.ini', '[pis]\npi1 ansible_user="pi\n', null, '2: host line: no closing quotation'],
    ['d.ini', '[pis]\npi1 ansible_user\n', null, '2: host pi1: expected key=value, got "ansible_user"'],
    ['e.ini', '[pis]\npi1\n[lab:vars]\nx=1\n', null, '3: [lab:vars] is for a group which the inventory does not declare (no [lab] or [lab:children] section)'],
    ['f.ini', '[pis:children]\nlab\n', null, '2: [pis:children] names group lab, which the inventory does not declare (no [lab] or [lab:children] section)'],
    ['g.ini', '[pis]\npi[3:1]\n', null, '2: host range [3:1]: the end is before the start'],
    ['h.ini', '[p is]\n', null, '1: section "[p is]": expected [group], [group:vars] or [group:children] (no spaces)'],
    ['i.ini', '[pis]\npi1 ansible_port=22x\n', null, '2: ansible_port (host "pi1"): expected an integer in 1..65535, got "22x"'],
    ['j.ini', '[pis]\npi1 ansible_host=-oProxyCommand=x\n', null, '2: ansible_host (host "pi1"): not a host name or IP address: "-oProxyCommand=x"'],
    ['k.ini', '[pis]\n"$(touch x)"\n', null, '2: host "$(touch x)": its name is not a host name or IP address; set ansible_host'],
    ['l.ini', "[pis]\npi1\n[pis:vars]\nedgeqat_dir={{ lookup('pipe', 'id') }}\n", null, "4: edgeqat_dir (host \"pi1\"): a template ({{ … }}); edgeqat does not evaluate templates: give the value itself"],
    ['m.ini', '[pis]\npi1 edgeqat_devcie=rpi5\n', null, '2: edgeqat_devcie (host "pi1"): unknown edgeqat variable (known: edgeqat_device, edgeqat_dir, edgeqat_node, edgeqat_name)'],
    ['n.ini', '[pis]\npi1\n[all:vars]\nansible_password=secret\n', null, '4: ansible_password (host "pi1"): not supported: edgeqat logs in with keys only (ssh BatchMode): no passwords'],
    ['o.ini', '[pis]\npi1 ansible_connection=local\n', null, '2: ansible_connection (host "pi1"): "local": edgeqat deploys over ssh only'],
    ['p.ini', '[pis]\npi1 ansible_ssh_private_key_file=/no/such/key\n', null, '2: ansible_ssh_private_key_file (host "pi1"): /no/such/key: no such key file'],
    ['q.ini', '[pis]\npi1 edgeqat_device=rpi9\n', null, "2: edgeqat_device (host \"pi1\"): unknown device 'rpi9' (known: rpi3bplus, rpi4, rpi5, rpizero2w, generic-arm64, host)"],
    ['r.ini', '[pis]\npi1 ansible_ssh_common_args=-oProxyCommand=x\n', null, '2: ansible_ssh_common_args (host "pi1"): not supported: ssh options go in an ssh_config file (--ssh-config)'],
    ['s.ini', '[pis]\npi1 edgeqat_name=../x\n', null, '2: edgeqat_name (host "pi1"): must be a plain file name (no \'/\', not \'.\', \'..\' or .edgeqat-*), got "../x"'],
    ['t.ini', '# nothing\n', null, ' the inventory names no host'],
    ['u.ini', '[pis]\npi1\n', 'lab', ''],
    ['v.yml', 'all:\n  children:\n    pis:\n      hots:\n        pi1:\n', null, '4: hots (in group pis): a group holds only hosts, vars and children'],
    ['w.yml', 'all:\n  hosts:\n    - pi1\n    - pi2\n', null, '3: hosts of group all: expected a map (key: value lines), got a list'],
    ['x.yml', 'all:\n  hosts:\n    pi1:\n  hosts:\n    pi2:\n', null, '4: hosts: given twice in group all'],
    ['y.yml', 'all:\n  hosts:\n\tpi1:\n', null, '3: not valid YAML (Tabs are not allowed as indentation)'],
    ['z.yml', 'all:\n  hosts: { pi1: }\n---\nall: {}\n', null, '4: more than one YAML document (---): an inventory is one'],
    ['aa.yml', 'all:\n  vars: [1, 2]\n  hosts: { pi1: }\n', null, '2: vars of group all: expected a map (key: value lines), got a list'],
    ['ab.yml', 'pis:\n  hosts:\n    pi1: { ansible_port: 70000 }\n', null, '3: ansible_port (host "pi1"): expected an integer in 1..65535, got "70000"'],
    ['ac.ini', `[pis]\npi1 ansible_host=127.0.0.1 ansible_ssh_private_key_file=${key}\npi2 ansible_host=127.0.0.1\n`, null, ' hosts "pi1" and "pi2" are the same device and folder (127.0.0.1:22 ~/edgeqat/mlp); two deploys there at once would race'],
  ];
  it.each(cases)('%s', (name, text, limit, message) => {
    const path = join(tmp, 'bad', name);
    mkdirSync(join(tmp, 'bad'), { recursive: true });
    writeFileSync(path, text);
    const run = () => fleetHosts(loadInventory(path), limit ?? undefined, opts());
    if (name === 'u.ini') expect(run).toThrow(`--limit: "lab" names no group or host of ${path}`);
    else expect(run).toThrow(`${path}:${message}`);
    try {
      run();
    } catch (e) {
      expect((e as Error).message.split('\n')).toHaveLength(1);
      expect((e as { code?: string }).code).toBe('E_OPTION');
    }
  });

  it('a YAML alias bomb is refused after bounded work, not expanded', () => {
    const lines = ['x0: &a0 { hosts: { h: } }'];
    for (let i = 1; i <= 24; i++) lines.push(`x${i}: &a${i} { children: { l${i}a: *a${i - 1}, l${i}b: *a${i - 1} } }`);
    const path = join(tmp, 'bomb.yml');
    writeFileSync(path, lines.join('\n') + '\n');
    expect(() => loadInventory(path)).toThrow(/^.*bomb\.yml:\d+: more than 400000 groups and hosts to read \(aliases repeating a subtree\?\)$/);
  });

  it('command-line values win over the inventory, as Ansible -e does; the inventory over defaults', () => {
    const path = join(tmp, 'win.ini');
    writeFileSync(path, `[pis]\npi1 ansible_port=2200 edgeqat_dir=~/models edgeqat_device=rpi5 ansible_timeout=4\n`);
    const [fromInventory] = fleetHosts(loadInventory(path), undefined, opts());
    expect(fromInventory.target).toMatchObject({ host: 'pi1', port: 2200, dir: '~/models', name: 'mlp', connectTimeout: 4 });
    expect(fromInventory.profile.name).toBe('rpi5');
    const [overridden] = fleetHosts(loadInventory(path), undefined, opts({ port: 22, dir: '/srv/edgeqat', device: 'rpi4', timeout: 9 }));
    expect(overridden.target).toMatchObject({ port: 22, dir: '/srv/edgeqat', connectTimeout: 9 });
    expect(overridden.profile.name).toBe('rpi4');
  });
});
