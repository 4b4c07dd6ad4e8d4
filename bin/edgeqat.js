#!/usr/bin/env node
// Installed `edgeqat` bin: runs the compiled CLI (built by `npm run build`, which `npm ci` runs as `prepare`).
import '../dist/toolkit/cli/index.js';
