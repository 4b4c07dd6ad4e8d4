// The inventory variables edgeqat reads, and why it refuses the other connection variables: one
// that it silently ignored could make it log in somewhere else, as someone else, or in another way
// than the user's Ansible does. Variables outside the ansible_/edgeqat_ names are the user's own
// (for their other plays) and are left alone.

/** Read by edgeqat (the first of two aliases wins as in Ansible). */
export const INVENTORY_VARIABLES: Record<string, string> = {
  ansible_host: 'the address to connect to (default: the inventory name)',
  ansible_ssh_host: 'old name of ansible_host',
  ansible_port: 'ssh port',
  ansible_ssh_port: 'old name of ansible_port',
  ansible_user: 'login user',
  ansible_ssh_user: 'old name of ansible_user',
  ansible_ssh_private_key_file: 'private key file (ssh -i)',
  ansible_private_key_file: 'same as ansible_ssh_private_key_file',
  ansible_timeout: 'seconds for the connection (--timeout wins)',
  edgeqat_device: 'device profile (`edgeqat devices`): one bundle is built per profile',
  edgeqat_dir: 'deploy folder on the device (default: the profile\'s, ~/edgeqat)',
  edgeqat_node: "the device's node command",
  edgeqat_name: 'installed as <dir>/<name> (default: the model file name)',
};

/** Accepted and not used by edgeqat's own deploy (Ansible's, or harmless to it). */
export const IGNORED_VARIABLES: Record<string, string> = {
  ansible_python_interpreter: "Ansible's own (the generated playbook runs Python modules; edgeqat deploy does not)",
  ansible_pipelining: 'an Ansible speed-up',
  ansible_ssh_pipelining: 'an Ansible speed-up',
  ansible_group_priority: 'orders group variables (edgeqat applies it)',
  ansible_connection: 'must be ssh or smart (both mean ssh)',
};

const REFUSED: [RegExp, string][] = [
  [/^ansible_(ssh_)?pass(word)?$/, 'edgeqat logs in with keys only (ssh BatchMode): no passwords'],
  [/^ansible_become/, 'edgeqat installs as the login user, without privilege escalation'],
  [/^ansible_(ssh_common_args|ssh_extra_args|ssh_args|scp_extra_args|sftp_extra_args|ssh_executable)$/, 'ssh options go in an ssh_config file (--ssh-config)'],
  [/^ansible_/, 'a connection setting edgeqat deploy does not support'],
];

/** Why edgeqat refuses this variable, or null when it reads, accepts or ignores it. */
export function unsupportedReason(key: string, value: unknown): string | null {
  if (key in INVENTORY_VARIABLES) return null;
  if (key === 'ansible_connection') return value === 'ssh' || value === 'smart' ? null : `${JSON.stringify(value)}: edgeqat deploys over ssh only`;
  if (key in IGNORED_VARIABLES) return null;
  if (key.startsWith('edgeqat_')) return `unknown edgeqat variable (known: ${Object.keys(INVENTORY_VARIABLES).filter((k) => k.startsWith('edgeqat_')).join(', ')})`;
  for (const [re, why] of REFUSED) if (re.test(key)) return `not supported: ${why}`;
  return null;
}
