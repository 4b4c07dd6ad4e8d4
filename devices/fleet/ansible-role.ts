// The generated role's tasks (roles/edgeqat_bundle/tasks/main.yml; ansible-playbook.ts writes it):
// the same install as remote-scripts.ts, with Ansible's own modules. No task goes through a shell,
// and no inventory value is ever part of a command line: every command is an argv list.
//   probe     the device's Node (>= 18), the deploy folder as an absolute path, and the links and
//             folder the install decides on, in one node -e (each task is a round trip)
//   id        <16 hex>-<8 hex> of sha256(digest/name): fixed per bundle and name, so a host that has
//             this bundle installed is recognised and left alone (a second run changes nothing)
//   install   copy the bundle as one archive, tar -x into .edgeqat-incoming-<id>/, sha256sum -c there,
//             mv into .edgeqat-bundles/<id>
//             (a failure removes the upload; the installed bundle is untouched)
//   switch    ansible.builtin.file state=link over an existing link is a new link renamed over it
//             (one rename(2), as the file module's ensure_symlink does): <dir>/<name> always names a
//             whole bundle
//   previous  the bundle replaced becomes .edgeqat-previous-<name> (for `edgeqat deploy --rollback`),
//             the one before it is removed: only link targets that are exactly .edgeqat-bundles/<id>
//   run       run.js --json on the device; the reports of all hosts go to results.json here
//             (changed_when false: a report of this run, not a change to the device)

/**
 * Prints what the install decides on, for argv [dir, name, new]: {"major": <node major>, "dir": <absolute deploy folder>,
 * "current"/"older": targets of <name> and .edgeqat-previous-<name> ('' when not links), "not_ours": <name> is there and
 * not a link, "there": <new> (.edgeqat-bundles/<id>) exists}. One command instead of a stat per path: each task is a
 * round trip. The folder is ~, ~/x, relative to home or absolute.
 */
const PROBE_JS =
  "const f=require('fs'),p=require('path'),h=require('os').homedir(),[d,n,b]=process.argv.slice(1);" +
  "const dir=d==='~'?h:d.startsWith('~/')?p.join(h,d.slice(2)):p.isAbsolute(d)?d:p.join(h,d);" +
  "const link=(x)=>{try{return f.readlinkSync(p.join(dir,x))}catch{return ''}};" +
  "const is=(x)=>{try{f.lstatSync(p.join(dir,x));return true}catch{return false}};" +
  "console.log(JSON.stringify({major:+process.versions.node.split('.')[0],dir,current:link(n),older:link('.edgeqat-previous-'+n)," +
  "not_ours:is(n)&&link(n)==='',there:is(b)}))";

export const ROLE_TASKS = `- name: This playbook's bundle is for the host's device profile, under a plain name
  ansible.builtin.assert:
    that:
      - (edgeqat_device | default(edgeqat_bundle_device)) == edgeqat_bundle_device
      - edgeqat_name is match(edgeqat_name_re) and edgeqat_name not in ['.', '..'] and not edgeqat_name.startswith('.edgeqat-')
    fail_msg: >-
      this playbook carries the {{ edgeqat_bundle_device }} bundle, to be installed under a plain file name (no '/', not '.',
      '..' or .edgeqat-*); the host's edgeqat_device is {{ edgeqat_device | default('') }} and edgeqat_name {{ edgeqat_name }}
      (for another profile: edgeqat bundle <model> --device <profile> --ansible <dir>)
    quiet: true

- name: The bundle's folder name (fixed per bundle and name; edgeqat's BUNDLE_ID form)
  ansible.builtin.set_fact:
    edgeqat_hash: "{{ (edgeqat_bundle_digest ~ '/' ~ edgeqat_name) | hash('sha256') }}"

- name: The same, as the device sees it
  ansible.builtin.set_fact:
    edgeqat_id: "{{ edgeqat_hash[:16] }}-{{ edgeqat_hash[16:24] }}"
    edgeqat_new: ".edgeqat-bundles/{{ edgeqat_hash[:16] }}-{{ edgeqat_hash[16:24] }}"

- name: The device's Node, the deploy folder, and what is installed there
  ansible.builtin.command:
    argv: ["{{ edgeqat_node }}", "-e", ${JSON.stringify(PROBE_JS)}, "{{ edgeqat_dir }}", "{{ edgeqat_name }}", "{{ edgeqat_new }}"]
  register: edgeqat_probe
  changed_when: false

- name: What the probe found
  ansible.builtin.set_fact:
    edgeqat_state: "{{ edgeqat_probe.stdout | from_json }}"

- name: Node 18 or newer
  ansible.builtin.assert:
    that: edgeqat_state.major >= 18
    fail_msg: "the device's {{ edgeqat_node }} is Node {{ edgeqat_state.major }}; bundles need 18 or newer (Raspberry Pi OS bookworm: sudo apt install nodejs)"
    quiet: true

- name: Where the bundle goes, and what is installed now
  ansible.builtin.set_fact:
    edgeqat_at: "{{ edgeqat_state.dir }}"
    edgeqat_current: "{{ edgeqat_state.current }}"
    edgeqat_older: "{{ edgeqat_state.older }}"
    edgeqat_not_ours: "{{ edgeqat_state.not_ours }}"

- name: Install the bundle
  when: edgeqat_current != edgeqat_new
  block:
    - name: The bundle folder and a staging folder
      when: not edgeqat_state.there
      ansible.builtin.command:
        argv: [mkdir, -p, --, "{{ edgeqat_at }}/.edgeqat-bundles", "{{ edgeqat_at }}/.edgeqat-incoming-{{ edgeqat_id }}"]

    - name: Upload the bundle (one archive)
      when: not edgeqat_state.there
      ansible.builtin.copy:
        src: bundle.tar
        dest: "{{ edgeqat_at }}/.edgeqat-incoming-{{ edgeqat_id }}.tar"
        mode: "0600"

    - name: Unpack it in the staging folder
      when: not edgeqat_state.there
      ansible.builtin.command:
        argv: [tar, -x, -f, "{{ edgeqat_at }}/.edgeqat-incoming-{{ edgeqat_id }}.tar", -C, "{{ edgeqat_at }}/.edgeqat-incoming-{{ edgeqat_id }}"]

    - name: Verify it on the device (sha256sum -c)
      ansible.builtin.command:
        argv: [sha256sum, -c, SHA256SUMS]
        chdir: "{{ edgeqat_at }}/{{ edgeqat_new if edgeqat_state.there else '.edgeqat-incoming-' ~ edgeqat_id }}"
      changed_when: false

    - name: Move it into .edgeqat-bundles
      when: not edgeqat_state.there
      ansible.builtin.command:
        argv: [mv, --, "{{ edgeqat_at }}/.edgeqat-incoming-{{ edgeqat_id }}", "{{ edgeqat_at }}/{{ edgeqat_new }}"]
        creates: "{{ edgeqat_at }}/{{ edgeqat_new }}"

    - name: Remove the archive
      when: not edgeqat_state.there
      ansible.builtin.file:
        path: "{{ edgeqat_at }}/.edgeqat-incoming-{{ edgeqat_id }}.tar"
        state: absent

  rescue:
    - name: Remove the unfinished upload
      ansible.builtin.file:
        path: "{{ item }}"
        state: absent
      loop:
        - "{{ edgeqat_at }}/.edgeqat-incoming-{{ edgeqat_id }}"
        - "{{ edgeqat_at }}/.edgeqat-incoming-{{ edgeqat_id }}.tar"

    - name: Stop here; the installed bundle is unchanged
      ansible.builtin.fail:
        msg: "the bundle did not arrive whole ({{ ansible_failed_result.msg | default('') }}); the previous bundle is unchanged"

- name: Move a folder at {{ edgeqat_name }} that is not ours aside (never deleted)
  when: edgeqat_current != edgeqat_new and edgeqat_not_ours | bool
  ansible.builtin.command:
    argv: [mv, --, "{{ edgeqat_at }}/{{ edgeqat_name }}", "{{ edgeqat_at }}/.edgeqat-bundles/replaced-{{ edgeqat_id }}"]
    creates: "{{ edgeqat_at }}/.edgeqat-bundles/replaced-{{ edgeqat_id }}"

- name: Switch {{ edgeqat_name }} to the bundle (a new link renamed over the old one)
  when: edgeqat_current != edgeqat_new
  ansible.builtin.file:
    src: "{{ edgeqat_new }}"
    dest: "{{ edgeqat_at }}/{{ edgeqat_name }}"
    state: link
    follow: false

- name: Keep the bundle it replaced as the previous one (edgeqat deploy --rollback)
  when: edgeqat_current != edgeqat_new and edgeqat_current is match(edgeqat_bundle_target_re)
  ansible.builtin.file:
    src: "{{ edgeqat_current }}"
    dest: "{{ edgeqat_at }}/.edgeqat-previous-{{ edgeqat_name }}"
    state: link
    follow: false
  register: edgeqat_kept

- name: Remove the bundle before that
  when: >-
    edgeqat_kept is changed and edgeqat_older is match(edgeqat_bundle_target_re)
    and edgeqat_older != edgeqat_current and edgeqat_older != edgeqat_new
  ansible.builtin.file:
    path: "{{ edgeqat_at }}/{{ edgeqat_older }}"
    state: absent

- name: Run the bundle's runner on the device
  ansible.builtin.command:
    argv: ["{{ edgeqat_node }}", "{{ edgeqat_at }}/{{ edgeqat_name }}/run.js", "--json"]
  register: edgeqat_run
  changed_when: false

- name: Its report
  ansible.builtin.set_fact:
    edgeqat_report: "{{ edgeqat_run.stdout_lines | select('match', '[{]') | last | from_json }}"

- name: Collect the runners' JSON reports in results.json beside the playbook (this run's hosts)
  ansible.builtin.copy:
    content: "{{ dict(ansible_play_hosts | zip(ansible_play_hosts | map('extract', hostvars, 'edgeqat_report'))) | to_nice_json }}\\n"
    dest: "{{ playbook_dir }}/results.json"
    mode: "0644"
  delegate_to: localhost
  run_once: true
  changed_when: false

- name: Show p50 and the int8 output checksum
  ansible.builtin.debug:
    msg: >-
      p50 {{ edgeqat_report.p50_us }} µs
      {{- (', int8 outputs sha256 ' ~ edgeqat_report.samples.outputs_sha256) if edgeqat_report.samples else '' }}
`;
