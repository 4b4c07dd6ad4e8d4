// Vitest global setup: every test file (and every process it spawns) gets os.tmpdir() inside one
// fresh folder, removed when the run ends, so a suite run leaves nothing in /tmp (tests create
// their scratch folders with mkdtemp under os.tmpdir(), which reads TMPDIR at each call).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export default function setup(): () => void {
  const dir = mkdtempSync(join(tmpdir(), 'edgeqat-test-'));
  process.env.TMPDIR = dir;
  return () => rmSync(dir, { recursive: true, force: true });
}
