#!/usr/bin/env bash
# Builds an emulated Raspberry Pi userland: Debian bookworm's arm64 Node 18 (what Raspberry Pi OS
# bookworm ships) unpacked into a folder, to run under qemu-user-static:
#   qemu-aarch64-static -cpu cortex-a72 -L <sysroot> <sysroot>/usr/bin/node run.js
# Only Debian packages, only apt-get download + dpkg -x: nothing is installed on the machine, the
# system's apt state is untouched (own lists and cache folders). Idempotent: skips when the
# sysroot is complete; a half-built one is never left in place (built aside, then renamed).
# Usage: scripts/make-pi-sysroot.sh [sysroot-dir]   (default: <repo>/.cache/pi-sysroot)
set -euo pipefail

repo="$(cd "$(dirname "$0")/.." && pwd)"
dest="${1:-${EDGEQAT_PI_SYSROOT:-$repo/.cache/pi-sysroot}}"
marker="$dest/.edgeqat-sysroot"

if [ -f "$marker" ] && [ -x "$dest/usr/bin/node" ]; then
  echo "pi sysroot: $dest already built ($(cat "$marker"))"
  exit 0
fi
for tool in apt-get apt-cache dpkg; do
  command -v "$tool" >/dev/null 2>&1 || { echo "pi sysroot: $tool not found (needs Debian's apt)" >&2; exit 1; }
done

mkdir -p "$(dirname "$dest")"
work="$(mktemp -d "$(dirname "$dest")/.pi-sysroot-build.XXXXXX")"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/lists/partial" "$work/cache/archives/partial" "$work/debs" "$work/root"

# arm64 as the only architecture, with our own package lists and cache: the machine's amd64 apt
# state is neither read for resolution nor written.
apt_opts=(
  -o APT::Architecture=arm64 -o APT::Architectures=arm64
  -o Dir::State::Lists="$work/lists" -o Dir::Cache="$work/cache"
  -o Dir::State::status=/dev/null -o Debug::NoLocking=1
)
# As root, apt drops to the _apt user to download, which cannot write our mktemp folder.
[ "$(id -u)" -eq 0 ] && apt_opts+=(-o APT::Sandbox::User=root)
apt-get "${apt_opts[@]}" -q update >/dev/null
# Depends only (Pre-Depends too), recursively; angle-bracketed names are virtual and skipped.
mapfile -t packages < <(
  apt-cache "${apt_opts[@]}" depends --recurse --no-recommends --no-suggests --no-conflicts \
    --no-breaks --no-replaces --no-enhances nodejs | grep -E '^[a-z0-9]' | sort -u
)
[ "${#packages[@]}" -gt 0 ] || { echo "pi sysroot: could not resolve nodejs's dependencies" >&2; exit 1; }
(cd "$work/debs" && apt-get "${apt_opts[@]}" -q download "${packages[@]}" >/dev/null 2>&1) \
  || { echo "pi sysroot: apt-get download failed for: ${packages[*]}" >&2; exit 1; }
for deb in "$work"/debs/*.deb; do dpkg -x "$deb" "$work/root"; done
[ -x "$work/root/usr/bin/node" ] || { echo "pi sysroot: no usr/bin/node after unpacking" >&2; exit 1; }

version="$(dpkg-deb -f "$work"/debs/nodejs_*.deb Version)"
echo "nodejs $version arm64, ${#packages[@]} packages: ${packages[*]}" >"$work/root/.edgeqat-sysroot"
rm -rf "$dest"
mv "$work/root" "$dest"
echo "pi sysroot: built $dest (nodejs $version arm64, ${#packages[@]} packages, $(du -sh "$dest" | cut -f1))"
