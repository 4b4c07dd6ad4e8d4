// The POSIX sh scripts deploy runs on the device, each as `sh -c '<script>' edgeqat "$1" "$2" …`
// (remote-shell.ts). Every value arrives as a positional parameter and is only ever expanded in
// double quotes, so folders and names may hold spaces, quotes, ;, $() or backticks.
//
// Layout on the device, for --dir D and bundle name N:
//   D/N                          a symlink to .edgeqat-bundles/<id>: what users run (node D/N/run.js)
//   D/.edgeqat-previous-N        a symlink to the bundle N pointed at before the last deploy (what
//                                --rollback switches back to)
//   D/.edgeqat-bundles/<id>/     one complete, verified bundle per deploy; a deploy keeps the
//                                current and the previous one of N and removes the one before
//                                (only after the link points at the new one)
//   D/.edgeqat-incoming-<id>/    an upload in progress; ~/.edgeqat-upload-<id> links to it, so
//                                scp only ever sees that plain name (never a user-given path)
// <id> is BUNDLE_ID below. A link whose target is anything else (`.edgeqat-bundles/../x`, a path of
// the user's) is never followed for a removal and never switched to.
// A switch is one rename(2) of a new symlink over the old one (by the device's node: `mv -T` is
// GNU-only), so D/N always names a whole bundle: the old one or the new one. The generated Ansible
// role (devices/fleet/ansible-role.ts) keeps the same layout, so either can roll back the other.

/** A bundle's folder name under .edgeqat-bundles: 1-16 of [0-9a-z], '-', 8 hex digits. */
export const BUNDLE_ID = /^[0-9a-z]{1,16}-[0-9a-f]{8}$/;

/** The link that names N's previous bundle. */
export function previousLinkName(name: string): string {
  return `.edgeqat-previous-${name}`;
}

/** Common prologue: $1 dir (~, ~/x, relative to home, or absolute), $2 name, $3 id, $4 node. */
export const PROLOGUE = `set -eu
dir=$1; name=$2; id=$3; node=$4
case $dir in
  "~") dir=$HOME ;;
  "~/"*) dir=$HOME/\${dir#"~/"} ;;
  /*) ;;
  *) dir=$HOME/$dir ;;
esac
fail() { printf 'edgeqat-remote: %s\\n' "$1" >&2; exit "$2"; }
# Whether $1 is exactly .edgeqat-bundles/<id> (BUNDLE_ID): a case pattern matches the whole string,
# and the character class refuses '/', '.', newlines, so '.edgeqat-bundles/../x' is not one.
is_bundle() {
  b=\${1#.edgeqat-bundles/}
  [ "$b" != "$1" ] || return 1
  case $b in *[!0-9a-z-]* | -* | *-*-*) return 1 ;; esac
  h=\${b%-*}; t=\${b#*-}
  [ "$h" != "$b" ] && [ \${#h} -ge 1 ] && [ \${#h} -le 16 ] && [ \${#t} -eq 8 ] || return 1
  case $t in *[!0-9a-f]*) return 1 ;; esac
}
# Points link $2 at $1 with one rename(2) of a new link over it.
switch_link() {
  ln -s -- "$1" "$dir/.edgeqat-link-$id" || return 1
  "$node" -e 'require("fs").renameSync(process.argv[1], process.argv[2])' "$dir/.edgeqat-link-$id" "$2" \\
    || { rm -f -- "$dir/.edgeqat-link-$id"; return 1; }
}
`;

/** Exit codes the scripts use (beyond ssh's own 255), mapped to messages by deploy.ts. */
export const REMOTE_EXIT = { noNode: 3, noSha256sum: 4, staging: 5, checksum: 6, install: 7, rollback: 8 } as const;

/** Checks node and sha256sum, makes the upload folder; prints `ok <node version> <arch>` and `dir <abs dir>`. */
export const PREPARE_SCRIPT = `${PROLOGUE}
command -v "$node" >/dev/null 2>&1 || fail "no '$node' on the device's PATH (Raspberry Pi OS: sudo apt install nodejs; or pass --node <path>)" ${REMOTE_EXIT.noNode}
version=$("$node" -p 'process.version + " " + process.arch' 2>&1) || fail "'$node' does not run: $version" ${REMOTE_EXIT.noNode}
command -v sha256sum >/dev/null 2>&1 || fail "no sha256sum on the device (install coreutils)" ${REMOTE_EXIT.noSha256sum}
mkdir -p -- "$dir" || fail "cannot create $dir" ${REMOTE_EXIT.staging}
# Uploads of interrupted deploys older than an hour.
find "$dir" -maxdepth 1 -name '.edgeqat-incoming-*' -mmin +60 -exec rm -rf {} + 2>/dev/null || true
find "$HOME" -maxdepth 1 -name '.edgeqat-upload-*' -mmin +60 -exec rm -f {} + 2>/dev/null || true
stage=$dir/.edgeqat-incoming-$id
mkdir -- "$stage" || fail "cannot create $stage" ${REMOTE_EXIT.staging}
ln -s -- "$stage" "$HOME/.edgeqat-upload-$id" || fail "cannot link ~/.edgeqat-upload-$id" ${REMOTE_EXIT.staging}
printf 'ok %s\\n' "$version"
printf 'dir %s\\n' "$dir"
`;

/** Verifies the upload with sha256sum, then switches D/N to it; prints `installed <path>`. */
export const INSTALL_SCRIPT = `${PROLOGUE}
stage=$dir/.edgeqat-incoming-$id
rm -f -- "$HOME/.edgeqat-upload-$id"
cd -- "$stage" 2>/dev/null || fail "upload folder $stage is missing" ${REMOTE_EXIT.staging}
if ! sums=$(sha256sum -c SHA256SUMS 2>&1); then
  bad=$(printf '%s\\n' "$sums" | grep -v ': OK$' | head -n 3 | tr '\\n' ' ')
  cd / && rm -rf -- "$stage"
  fail "checksums do not match after upload: $bad" ${REMOTE_EXIT.checksum}
fi
cd /
mkdir -p -- "$dir/.edgeqat-bundles" || fail "cannot create $dir/.edgeqat-bundles" ${REMOTE_EXIT.install}
mv -- "$stage" "$dir/.edgeqat-bundles/$id" || fail "cannot move the upload into $dir/.edgeqat-bundles" ${REMOTE_EXIT.install}
link=$dir/$name
prevlink=$dir/.edgeqat-previous-$name
current=
if [ -L "$link" ]; then
  current=$(readlink "$link")
elif [ -e "$link" ]; then
  # Not ours (a folder copied by hand?): kept aside, never deleted.
  mv -- "$link" "$dir/.edgeqat-bundles/replaced-$id" || fail "cannot move $link aside" ${REMOTE_EXIT.install}
fi
older=
if [ -L "$prevlink" ]; then older=$(readlink "$prevlink"); fi
switch_link ".edgeqat-bundles/$id" "$link" || fail "cannot switch $link to the new bundle" ${REMOTE_EXIT.install}
# The bundle just replaced becomes the previous one (for --rollback) and the one before it goes:
# only when the replaced link named one of ours; a link of the user's is left to the user.
if is_bundle "$current" && [ "$current" != ".edgeqat-bundles/$id" ] && [ -d "$dir/$current" ]; then
  if switch_link "$current" "$prevlink"; then
    if is_bundle "$older" && [ "$older" != "$current" ] && [ "$older" != ".edgeqat-bundles/$id" ]; then rm -rf -- "\${dir:?}/$older"; fi
  else
    printf 'edgeqat-remote: warning: cannot record the previous bundle in %s\\n' "$prevlink" >&2
  fi
fi
printf 'installed %s\\n' "$link"
`;

/** Removes an unfinished upload (after a failed or interrupted scp). */
export const CLEANUP_SCRIPT = `${PROLOGUE}
rm -f -- "$HOME/.edgeqat-upload-$id"
rm -rf -- "$dir/.edgeqat-incoming-$id"
`;

/** Runs the installed bundle's runner; $5… are passed on to run.js. */
export const RUN_SCRIPT = `${PROLOGUE}
shift 4
exec "$node" "$dir/$name/run.js" "$@"
`;

/** Switches D/N back to the bundle D/.edgeqat-previous-N names (checked with sha256sum -c first), and
 * the previous link to the one it replaced (a second rollback rolls forward); prints `dir <abs dir>` and `rolledback <to> <from>`. */
export const ROLLBACK_SCRIPT = `${PROLOGUE}
command -v "$node" >/dev/null 2>&1 || fail "no '$node' on the device's PATH (pass --node <path>)" ${REMOTE_EXIT.noNode}
link=$dir/$name
prevlink=$dir/.edgeqat-previous-$name
[ -L "$link" ] || fail "$link is not an installed bundle: nothing to roll back" ${REMOTE_EXIT.rollback}
[ -L "$prevlink" ] || fail "no previous bundle of $name in $dir (a rollback needs two deploys)" ${REMOTE_EXIT.rollback}
current=$(readlink "$link")
previous=$(readlink "$prevlink")
is_bundle "$previous" || fail "$prevlink points at '$previous', not at an edgeqat bundle: refused" ${REMOTE_EXIT.rollback}
[ -d "$dir/$previous" ] || fail "the previous bundle $dir/$previous is gone" ${REMOTE_EXIT.rollback}
( cd -- "$dir/$previous" && sha256sum -c SHA256SUMS ) >/dev/null 2>&1 \\
  || fail "the previous bundle $dir/$previous does not match its checksums: refused" ${REMOTE_EXIT.checksum}
switch_link "$previous" "$link" || fail "cannot switch $link back" ${REMOTE_EXIT.rollback}
if is_bundle "$current" && [ -d "$dir/$current" ]; then
  switch_link "$current" "$prevlink" || fail "rolled back, but cannot record the bundle replaced" ${REMOTE_EXIT.rollback}
else
  rm -f -- "$prevlink"
fi
printf 'dir %s\\n' "$dir"
printf 'rolledback %s %s\\n' "$previous" "$current"
`;
