// Progress on stderr (stdout stays clean for --json): a redrawn bar on a terminal, a line every
// 10% otherwise (CI logs), nothing with --quiet.
import type { Progress } from '../../runtime/progress.js';

export function createProgress(label: string, quiet = false, stream: NodeJS.WriteStream = process.stderr): Progress {
  if (quiet) return { update() {}, done() {} };
  const tty = stream.isTTY === true;
  let lastDecile = -1;
  const bar = (frac: number) => {
    const width = 24;
    const filled = Math.round(frac * width);
    return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}]`;
  };
  return {
    update(done, total, detail = '') {
      const frac = total > 0 ? Math.min(1, done / total) : 1;
      const text = `${label} ${bar(frac)} ${String(Math.floor(frac * 100)).padStart(3)}% ${done}/${total} ${detail}`.trimEnd();
      if (tty) stream.write(`\r${text}\x1b[K`);
      else {
        const decile = Math.floor(frac * 10);
        if (decile > lastDecile) {
          lastDecile = decile;
          stream.write(text + '\n');
        }
      }
    },
    done(detail = '') {
      if (tty) stream.write(`\r${label} done ${detail}\x1b[K\n`);
      else stream.write(`${label} done ${detail}\n`);
    },
  };
}
