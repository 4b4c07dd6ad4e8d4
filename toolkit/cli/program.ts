// Wires the commands; nothing else. Each command lives in ./commands/<name>.ts with its run<Name>().
import { Command } from 'commander';
import { evalCommand } from './commands/eval.js';
import { exportCommand } from './commands/export.js';
import { inspectCommand } from './commands/inspect.js';
import { quickstartCommand } from './commands/quickstart.js';
import { trainCommand } from './commands/train.js';

export function buildProgram(): Command {
  const program = new Command('edgeqat')
    .description('quantization-aware training on TensorFlow.js, int8 TFLite export, TFLite runtimes')
    .version('0.1.0');
  for (const cmd of [quickstartCommand(), trainCommand(), exportCommand(), evalCommand(), inspectCommand()]) {
    program.addCommand(cmd);
  }
  return program;
}
