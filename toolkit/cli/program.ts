// Wires the commands; nothing else. Each command lives in ./commands/<name>.ts with its run<Name>().
import { Command } from 'commander';
import { benchCommand } from './commands/bench.js';
import { bundleCommand } from './commands/bundle.js';
import { compareCommand } from './commands/compare.js';
import { compareEnginesCommand } from './commands/compare-engines.js';
import { debugCommand } from './commands/debug.js';
import { deployCommand } from './commands/deploy.js';
import { devicesCommand } from './commands/devices.js';
import { evalCommand } from './commands/eval.js';
import { exportCommand } from './commands/export.js';
import { initCommand } from './commands/init.js';
import { inspectCommand } from './commands/inspect.js';
import { quickstartCommand } from './commands/quickstart.js';
import { reportCommand } from './commands/report.js';
import { trainCommand } from './commands/train.js';
import { applyConfigDefaults } from './config.js';
import { edgeqatVersion } from '../version.js';

export function buildProgram(): Command {
  const program = new Command('edgeqat')
    .description('quantization-aware training on TensorFlow.js, int8 TFLite export, TFLite runtimes')
    .version(edgeqatVersion());
  for (const cmd of [quickstartCommand(), trainCommand(), exportCommand(), evalCommand(), compareEnginesCommand(), benchCommand(), debugCommand(), inspectCommand()]) {
    program.addCommand(cmd);
  }
  program.addCommand(compareCommand());
  program.addCommand(devicesCommand());
  program.addCommand(bundleCommand());
  program.addCommand(deployCommand());
  program.addCommand(initCommand());
  program.addCommand(reportCommand());
  program.hook('preAction', applyConfigDefaults); // options not given on the command line: edgeqat.config.json
  return program;
}
