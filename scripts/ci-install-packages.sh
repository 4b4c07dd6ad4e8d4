#!/usr/bin/env bash
# Installs the Debian packages the tests and the tools need (run by .ci/run). A package that cannot
# be installed fails this script, and with it CI: nothing is left for a test to skip over.
#   dataset-fashion-mnist  the Fashion-MNIST files (/usr/share/datasets/fashion-mnist)
#   openssh-server         a real SSH target on 127.0.0.1 (deploy and init tests)
#   qemu-user-static       the emulated Raspberry Pi (arm64 Node 18 from scripts/make-pi-sysroot.sh)
#   chromium               headless, for the report.html test
#   espeak-ng, sox         speech synthesis and audio conversion (spoken-word data sets)
#   flite                  a second synthesiser (the blind flite test split, scripts/make-flite-test-split.mjs)
#   ansible                inventories and playbooks (fleet deploy)
#   imagemagick            image conversion (image data sets)
#   unzip                  libtensorflow out of the TensorFlow wheel (scripts/build-tfjs-node.sh)
# Usage: scripts/ci-install-packages.sh [package ...]   (default: the list above)
set -euo pipefail

if [ "$#" -gt 0 ]; then packages=("$@"); else
  packages=(dataset-fashion-mnist openssh-server qemu-user-static chromium espeak-ng sox flite ansible imagemagick unzip)
fi
missing=()
for pkg in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done
[ "${#missing[@]}" -eq 0 ] && exit 0
echo "ci-install-packages: installing ${missing[*]}"
command -v apt-get >/dev/null 2>&1 || { echo "ci-install-packages: ${missing[*]} missing, and no apt-get to install them" >&2; exit 1; }
# A stale package list is the usual reason an install fails: update once, then it must work.
if ! apt-get install -y -q "${missing[@]}" >/dev/null 2>&1; then
  apt-get update -q >/dev/null || { echo "ci-install-packages: apt-get update failed" >&2; exit 1; }
  apt-get install -y -q "${missing[@]}" || { echo "ci-install-packages: cannot install ${missing[*]}" >&2; exit 1; }
fi
