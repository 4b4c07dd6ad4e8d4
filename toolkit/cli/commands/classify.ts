// `edgeqat classify <model.tflite> <image...>`: the class of each PNG/JPEG file, fitted and
// normalised as the model records (the same code a device bundle's `node run.js photo.jpg` runs).
import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { classifyImages, formatPrediction, imageTargetOf, type ImagePrediction } from '../../../runtime/classify-images.js';
import { createEngine, ENGINE_CHOICES } from '../../../runtime/engines/index.js';
import { readTfliteFile } from '../../../runtime/model-reader.js';
import { oneOf } from '../options.js';

export interface ClassifyOptions {
  engine?: string;
  json?: boolean;
}

export async function runClassify(modelPath: string, files: string[], opts: ClassifyOptions = {}): Promise<ImagePrediction[]> {
  const summary = readTfliteFile(modelPath);
  imageTargetOf(summary, modelPath);
  const engine = await createEngine(opts.engine ?? 'reference', new Uint8Array(readFileSync(modelPath)), modelPath);
  try {
    return classifyImages(engine, summary, files, modelPath);
  } finally {
    engine.dispose();
  }
}

export function classifyCommand(): Command {
  return new Command('classify')
    .description('classify PNG/JPEG files with a .tflite trained on images (class names and scores)')
    .argument('<model>', '.tflite file exported from an image data set')
    .argument('<images...>', 'PNG or JPEG files')
    .option('--engine <name>', `${ENGINE_CHOICES.join(' | ')} (default reference: the bundles' default engine)`, oneOf('--engine', ENGINE_CHOICES), 'reference')
    .option('--json', 'print one JSON object {predictions: [...]}')
    .action(async (model: string, images: string[], opts: ClassifyOptions) => {
      const predictions = await runClassify(model, images, opts);
      process.stdout.write(opts.json ? `${JSON.stringify({ predictions })}\n` : predictions.map((p) => `${formatPrediction(p)}\n`).join(''));
    });
}
