// The POSIX sh scripts deploy runs on the device, each as `sh -c '<script>' edgeqat "$1" "$2" …`
// (remote-shell.ts). Every value arrives as a positional parameter and is only ever expanded in
// double quotes, so folders and names may hold spaces, quotes, ;, $() or backticks.
//
// Layout on the device, for --dir D and bundle name N:
//   D/N                          a symlink to .edgeqat-bundles/<id>: what users run (node D/N/run.js)
//   D/.edgeqat-bundles/<id>/     one complete, verified bundle per deploy (the previous one is
//                                removed only after the link points at the new one)
//   D/.edgeqat-incoming-<id>/    an upload in progress; ~/.edgeqat-upload-<id> links to it, so
//                                scp only ever sees that plain name (never a user-given path)
// The switch is one rename(2) of a new symlink over D/N (by the device's node: `mv -T` is GNU-only),
// so D/N always names a whole bundle: the old one or the new one.

/** Common prologue: $1 dir (~, ~/x, relative to home, or absolute), $2 name, $3 id, $4 node. */
const PROLOGUE = `set -eu
dir=$1; name=$2; id=$3; node=$4
case $dir in
  "~") dir=$HOME ;;
  "~/"*) dir=$HOME/\${dir#"~/"} ;;
  /*) ;;
  *) dir=$HOME/$dir ;;
esac
fail() { printf 'edgeqat-remote: %s\\n' "$1" >&2; exit "$2"; }
`;

/** Exit codes the scripts use (beyond ssh's own 255), mapped to messages by deploy.ts. */
export const REMOTE_EXIT = { noNode: 3, noSha256sum: 4, staging: 5, checksum: 6, install: 7 } as const;

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
previous=
if [ -L "$link" ]; then
  previous=$(readlink "$link")
elif [ -e "$link" ]; then
  # Not ours (a folder copied by hand?): kept aside, never deleted.
  mv -- "$link" "$dir/.edgeqat-bundles/replaced-$id" || fail "cannot move $link aside" ${REMOTE_EXIT.install}
fi
ln -s -- ".edgeqat-bundles/$id" "$dir/.edgeqat-link-$id" || fail "cannot create a link in $dir" ${REMOTE_EXIT.install}
"$node" -e 'require("fs").renameSync(process.argv[1], process.argv[2])' "$dir/.edgeqat-link-$id" "$link" \\
  || { rm -f -- "$dir/.edgeqat-link-$id"; fail "cannot switch $link to the new bundle" ${REMOTE_EXIT.install}; }
case $previous in
  .edgeqat-bundles/*) [ "$previous" = ".edgeqat-bundles/$id" ] || rm -rf -- "$dir/$previous" ;;
esac
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
