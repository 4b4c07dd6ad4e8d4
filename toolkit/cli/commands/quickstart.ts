// `edgeqat quickstart` (what `npm start` runs): the whole flow on the reference MLP and MNIST —
// QAT training, learned quantization parameters, int8 export, and the int8 accuracy on the TFLite
// interpreter next to the fake-quant accuracy in TF.js.
import { join } from 'node:path';
import { Command } from 'commander';
import { formatQuantReport } from '../format-quant-report.js';
import { countMatches } from '../../../runtime/accuracy.js';
import { formatTable } from '../text-table.js';
import { runEval } from './eval.js';
import { runExport } from './export.js';
import { addTrainOptions, runTrain, type TrainCommandOptions } from './train.js';

export interface QuickstartResult {
  runDir: string;
  tflitePath: string;
  tfliteBytes: number;
  floatBytes: number;
  trainSeconds: number;
  qatAccuracy: number;
  tfliteAccuracy: number;
  /** Share of test images where fake-quant and TFLite int8 predict the same class. */
  agreement: number;
}

export async function runQuickstart(opts: TrainCommandOptions, print: (line: string) => void = console.log): Promise<QuickstartResult> {
  print(`edgeqat: QAT of '${opts.model}' on ${opts.dataset}: ${opts.epochs} epoch(s), batch ${opts.batchSize}, Adam lr ${opts.lr}, seed ${opts.seed}`);
  const train = await runTrain(opts);
  print(`trained in ${train.trainSeconds.toFixed(1)} s on the ${train.backend} backend (${train.steps} steps, final loss ${train.finalLoss.toFixed(4)})`);
  print('\nlearned quantization parameters (int8; weights symmetric [-127,127] zp 0, activations asymmetric [-128,127]):');
  print(formatQuantReport(train.report));
  train.model.dispose();

  const tflitePath = join(train.runDir, 'model.tflite');
  const exported = await runExport(train.runDir, { out: tflitePath, backend: opts.backend });
  const evalResult = await runEval(tflitePath, { dataset: opts.dataset, dataDir: opts.dataDir, quiet: opts.quiet });
  const agreement = countMatches(evalResult.predictions, train.qatPredictions, evalResult.samples) / evalResult.samples;

  print(`\nmodel size: float32 ${train.floatBytes.toLocaleString('en-US')} bytes (${train.paramCount.toLocaleString('en-US')} parameters) -> int8 .tflite ${exported.bytes.toLocaleString('en-US')} bytes (${(train.floatBytes / exported.bytes).toFixed(1)}x smaller)`);
  print(`wrote ${tflitePath}\n`);
  print(
    formatTable(
      ['model', 'runs on', 'test accuracy'],
      [
        ['fake-quant QAT model', 'TensorFlow.js', train.qatAccuracy.toFixed(4)],
        ['int8 .tflite', `TFLite interpreter (${evalResult.engine}, WebAssembly)`, evalResult.accuracy.toFixed(4)],
      ],
    ),
  );
  print(`predictions agree on ${(agreement * 100).toFixed(2)}% of ${evalResult.samples} test images`);
  return {
    runDir: train.runDir,
    tflitePath,
    tfliteBytes: exported.bytes,
    floatBytes: train.floatBytes,
    trainSeconds: train.trainSeconds,
    qatAccuracy: train.qatAccuracy,
    tfliteAccuracy: evalResult.accuracy,
    agreement,
  };
}

export function quickstartCommand(): Command {
  return addTrainOptions(new Command('quickstart').description('train, export and evaluate the reference MLP on MNIST (npm start)'))
    .option('--out <dir>', 'run folder', 'runs/mlp')
    .action(async (opts: TrainCommandOptions) => {
      await runQuickstart(opts);
    });
}
