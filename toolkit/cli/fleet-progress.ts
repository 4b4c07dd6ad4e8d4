// Live progress of a fleet deploy on stderr (stdout stays clean for the table or --json): on a
// terminal one redrawn line (hosts done, failed, and what each running host is doing); otherwise
// one line per host as it finishes (CI logs). Host names are shown as JSON strings when they hold
// anything but plain characters, so a name can never move the cursor or fake a line.
import type { FleetEvent } from '../../devices/fleet/fleet-run.js';

export interface FleetProgress {
  onEvent(e: FleetEvent): void;
  done(): void;
}

export function createFleetProgress(label: string, total: number, quiet = false, stream: NodeJS.WriteStream = process.stderr): FleetProgress {
  if (quiet) return { onEvent() {}, done() {} };
  const tty = stream.isTTY === true;
  const running = new Map<string, string>();
  let finished = 0;
  let failed = 0;
  const draw = () => {
    const width = stream.columns ?? 100;
    const doing = [...running].map(([h, step]) => `${shown(h)} ${step}`).join(', ');
    const text = `${label} ${finished}/${total} done${failed ? ` (${failed} failed)` : ''}${doing ? ` · ${doing}` : ''}`;
    stream.write(`\r${text.length > width - 1 ? `${text.slice(0, width - 2)}…` : text}\x1b[K`);
  };
  return {
    onEvent(e) {
      if ('step' in e) running.set(e.host, e.step);
      else {
        running.delete(e.host);
        finished++;
        if (e.done.result === 'failed') failed++;
        if (!tty) stream.write(`${label}: ${shown(e.host)} ${e.done.result === 'ok' ? `ok in ${(e.done.ms / 1000).toFixed(1)} s` : `failed: ${e.done.error}`} (${finished}/${total})\n`);
      }
      if (tty) draw();
    },
    done() {
      if (tty) stream.write('\r\x1b[K');
    },
  };
}

function shown(host: string): string {
  return /^[\w.@:-]+$/.test(host) ? host : JSON.stringify(host);
}
