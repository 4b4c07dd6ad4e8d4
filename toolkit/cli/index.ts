// The edgeqat CLI entry point and its one error handler: an EdgeqatError (or a commander usage
// error) prints one line and sets the exit code; anything else is a bug and prints its stack.
import { CommanderError } from 'commander';
import { isEdgeqatError } from '../../runtime/errors.js';
import { buildProgram } from './program.js';

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  program.exitOverride();
  program.configureOutput({ writeErr: (s) => process.stderr.write(s) });
  for (const cmd of program.commands) {
    cmd.exitOverride();
  }
  try {
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (e) {
    if (e instanceof CommanderError) {
      // commander already printed its one-line message (or help/version, with exit code 0).
      return e.exitCode === 0 ? 0 : 2;
    }
    if (isEdgeqatError(e)) {
      // A message may list several problems, one per line (e.g. every layer that cannot be imported).
      for (const line of e.message.split('\n')) process.stderr.write(`edgeqat: error: ${line}\n`);
      return e.exitCode;
    }
    process.stderr.write(`edgeqat: internal error: ${(e as Error)?.stack ?? String(e)}\n`);
    return 1;
  }
}

const code = await main(process.argv.slice(2));
process.exitCode = code;
