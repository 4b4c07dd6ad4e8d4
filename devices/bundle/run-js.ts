// The bundle's run.js: checks the Node version with a readable message before loading the ES-module
// runtime, then hands over to it. Written to run as CommonJS (no package.json needed next to it)
// and as an ES module too: a bundle made inside a project whose package.json says "type":
// "module" is loaded as ESM, where __dirname does not exist (it then comes from the script's path).
export const RUN_JS = `#!/usr/bin/env node
// edgeqat deploy bundle: \`node run.js [--json]\` benchmarks model.tflite on the bundled engine and,
// with samples shipped, checks accuracy and prints the int8 outputs' checksum. Plain Node >= 18,
// no npm install, no network. Made by \`edgeqat bundle\`; manifest.json lists every file's sha256.
'use strict';
const major = Number(process.versions.node.split('.')[0]);
if (major < 18) {
  process.stderr.write('edgeqat-run: error: this bundle needs Node 18 or newer, this is ' + process.version + '\\n');
  process.exit(2);
}
const here = typeof __dirname === 'string' ? Promise.resolve(__dirname) : import('node:path').then((path) => path.dirname(path.resolve(process.argv[1])));
Promise.all([import('./lib/edgeqat-runtime.mjs'), here])
  .then(([runtime, dir]) => runtime.main(dir, process.argv.slice(2)))
  .then(
    (code) => { process.exitCode = code; },
    (e) => { process.stderr.write('edgeqat-run: internal error: ' + ((e && e.stack) || e) + '\\n'); process.exitCode = 1; },
  );
`;
