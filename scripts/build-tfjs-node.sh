#!/usr/bin/env bash
# Makes edgeqat's `tensorflow` backend (@tensorflow/tfjs-node) work on a machine without the
# internet. The package's own install script downloads libtensorflow and a prebuilt N-API binding
# from storage.googleapis.com, which these machines cannot reach, so npm drops the package. Instead:
#   1. npm installs it and its dependencies from package-lock.json with scripts off (npm registry);
#   2. the TensorFlow C library (libtensorflow_cc.so.2 exports the TF_*/TFE_* C API) and its C API
#      headers are unzipped from the TensorFlow 2.21 wheel of the machine's local Python package
#      index (/opt/pypi/files, or $EDGEQAT_TF_WHEEL): no pip, no Python package installed;
#   3. the binding is compiled from the C++ sources the npm package ships (binding/, binding.gyp)
#      with npm's bundled node-gyp and this Node's headers, linked against that library.
# The result lives in node_modules/@tensorflow/tfjs-node (binding) and .cache/tfjs-node (library,
# ~850 MB). Idempotent: does nothing when the backend already loads. Run by .ci/run after npm ci
# (npm ci removes it again). See docs/tensorflow-backend.md.
set -euo pipefail

repo="$(cd "$(dirname "$0")/.." && pwd)"
pkg="$repo/node_modules/@tensorflow/tfjs-node"
cache="$repo/.cache/tfjs-node"
fail() { echo "build-tfjs-node: $1" >&2; exit 1; }
loads() { (cd "$repo" && TF_CPP_MIN_LOG_LEVEL=3 node -e "process.exit(require('@tensorflow/tfjs-node').getBackend() === 'tensorflow' ? 0 : 1)" >/dev/null 2>&1); }

# 1. The npm package and its dependencies (@tensorflow/tfjs, @mapbox/node-pre-gyp, ...), as locked.
if [ ! -f "$pkg/package.json" ] || [ ! -f "$repo/node_modules/@tensorflow/tfjs/package.json" ]; then
  (cd "$repo" && npm install --no-save --ignore-scripts --no-audit --no-fund >/dev/null) || fail "npm install of @tensorflow/tfjs-node failed"
fi
if loads; then
  echo "build-tfjs-node: @tensorflow/tfjs-node already loads"
  exit 0
fi

# 2. libtensorflow and the C API headers from the wheel (only the headers the binding includes).
wheel="${EDGEQAT_TF_WHEEL:-$(ls /opt/pypi/files/tensorflow_cpu-2.21.0-*.whl 2>/dev/null | head -n 1 || true)}"
lib="$cache/tensorflow-2.21"
if [ ! -f "$lib/.complete" ]; then
  [ -n "$wheel" ] && [ -f "$wheel" ] || fail "no TensorFlow 2.21 wheel (looked for /opt/pypi/files/tensorflow_cpu-2.21.0-*.whl; set EDGEQAT_TF_WHEEL)"
  command -v unzip >/dev/null 2>&1 || fail "unzip not found (apt-get install unzip)"
  rm -rf "$lib.partial" && mkdir -p "$lib.partial"
  unzip -q -o "$wheel" -d "$lib.partial" \
    'tensorflow/libtensorflow_cc.so.2' 'tensorflow/libtensorflow_framework.so.2' \
    'tensorflow/include/tensorflow/c/*' 'tensorflow/include/tensorflow/core/platform/ctstring*' \
    'tensorflow/include/tsl/platform/ctstring*' 'tensorflow/include/xla/tsl/c/*' || fail "cannot unzip $wheel"
  echo "$(basename "$wheel")" > "$lib.partial/.complete"
  rm -rf "$lib" && mv "$lib.partial" "$lib"
fi
tf="$lib/tensorflow"

# 3. The binding, built aside from the package's sources.
node_dir="$(dirname "$(dirname "$(readlink -f "$(command -v node)")")")"
[ -f "$node_dir/include/node/node_api.h" ] || fail "Node's headers not found under $node_dir/include/node"
gyp="$(npm root -g)/npm/node_modules/node-gyp/bin/node-gyp.js"
[ -f "$gyp" ] || fail "npm's bundled node-gyp not found at $gyp"
# The highest N-API version the package lists that this Node supports (as node-pre-gyp picks it).
napi="$(node -p "Math.max(...require('$pkg/package.json').binary.napi_versions.filter((v) => v <= Number(process.versions.napi)))")"
build="$cache/build"
rm -rf "$build" && mkdir -p "$build/deps/lib"
cp -r "$pkg/binding" "$pkg/binding.gyp" "$build/"
ln -s "$tf/include" "$build/deps/include"
ln -s "$tf/libtensorflow_cc.so.2" "$build/deps/lib/libtensorflow.so"
ln -s "$tf/libtensorflow_framework.so.2" "$build/deps/lib/libtensorflow_framework.so"
(cd "$build" && node "$gyp" rebuild --nodedir="$node_dir" -- -Dnapi_build_version="$napi" -Dmodule_name=tfjs_binding -Dmodule_path="lib/napi-v$napi" >build.log 2>&1) \
  || fail "node-gyp failed (log: $build/build.log)"

# Into the package: the binding where node-pre-gyp looks, the library where its rpath points.
mkdir -p "$pkg/lib/napi-v$napi" "$pkg/deps/lib"
cp "$build/lib/napi-v$napi/tfjs_binding.node" "$pkg/lib/napi-v$napi/"
ln -sf "$tf/libtensorflow_cc.so.2" "$tf/libtensorflow_framework.so.2" "$pkg/deps/lib/"
loads || fail "the binding was built but @tensorflow/tfjs-node does not load (try: node -e \"require('@tensorflow/tfjs-node')\")"
echo "build-tfjs-node: @tensorflow/tfjs-node loads (binding N-API v$napi, $(cat "$lib/.complete"))"
