// Quoting for the device's shell. ssh hands the remote command to the login shell as ONE string, so
// every value in it (folders, names, the script itself) is single-quoted: inside '…' a POSIX shell
// (sh, dash, bash, zsh) expands nothing, and a ' in the value becomes '\'' (close, escaped quote,
// reopen). Locally nothing goes through a shell at all (execFile with argument arrays).
import { EdgeqatError } from '../../runtime/errors.js';

export function shQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** `sh -c '<script>' edgeqat '<arg1>' …`: the script sees the values as "$1", "$2", … */
export function remoteScript(script: string, args: string[]): string {
  return ['sh', '-c', shQuote(script), 'edgeqat', ...args.map(shQuote)].join(' ');
}

/**
 * Values that end up in remote paths: anything printable goes (spaces, quotes, ;, $(), `…` are
 * quoted), but control characters (newlines, NUL) are refused: no sane folder has them and they
 * would break the line-based answers of the remote scripts.
 */
export function checkRemoteValue(flag: string, value: string): string {
  // eslint-disable-next-line no-control-regex
  if (value === '' || /[\u0000-\u001f\u007f]/.test(value)) {
    throw new EdgeqatError('E_OPTION', `${flag} must be non-empty and free of control characters, got ${JSON.stringify(value)}`);
  }
  return value;
}
