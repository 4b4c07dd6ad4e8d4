// Ansible's host ranges: `pi[01:12].lan` is pi01.lan … pi12.lan (a leading zero fixes the width),
// `node[a:f]` letters, `[0:20:5]` a step. Several ranges in one name multiply. Bounded by MAX_HOSTS.
import { MAX_HOSTS } from './inventory.js';

const RANGE = /\[([0-9a-zA-Z]+):([0-9a-zA-Z]+)(?::([0-9]+))?\]/;

/** The names a pattern stands for, or a problem (one phrase) when its range is malformed. */
export function expandHostRange(pattern: string): string[] | string {
  const m = RANGE.exec(pattern);
  if (!m) return pattern.includes('[') || pattern.includes(']') ? `host name ${JSON.stringify(pattern)}: a range is [start:end] or [start:end:step]` : [pattern];
  const [whole, beg, end, stepText] = m;
  const step = stepText === undefined ? 1 : Number(stepText);
  if (!(step >= 1)) return `host range ${whole}: the step must be at least 1`;
  const head = pattern.slice(0, m.index);
  const tail = pattern.slice(m.index + whole.length);
  let items: string[];
  if (/^\d+$/.test(beg) && /^\d+$/.test(end)) {
    const a = Number(beg);
    const b = Number(end);
    if (b < a) return `host range ${whole}: the end is before the start`;
    if ((b - a) / step + 1 > MAX_HOSTS) return `host range ${whole}: more than ${MAX_HOSTS} hosts`;
    const width = beg.length > 1 && beg.startsWith('0') ? beg.length : 0;
    items = [];
    for (let i = a; i <= b; i += step) items.push(String(i).padStart(width, '0'));
  } else if (/^[a-zA-Z]$/.test(beg) && /^[a-zA-Z]$/.test(end)) {
    const a = beg.charCodeAt(0);
    const b = end.charCodeAt(0);
    if (b < a) return `host range ${whole}: the end is before the start`;
    items = [];
    for (let c = a; c <= b; c += step) items.push(String.fromCharCode(c));
  } else {
    return `host range ${whole}: start and end are both numbers or both single letters`;
  }
  const rest = expandHostRange(tail);
  if (typeof rest === 'string') return rest;
  const out: string[] = [];
  for (const item of items) {
    for (const r of rest) {
      out.push(head + item + r);
      if (out.length > MAX_HOSTS) return `host pattern ${JSON.stringify(pattern)}: more than ${MAX_HOSTS} hosts`;
    }
  }
  return out;
}
