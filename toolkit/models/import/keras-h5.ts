// Keras's HDF5 model format (`model.save('x.h5')` in tf.keras 2.x and, as the legacy format, in
// Keras 3): the model config is the root attribute 'model_config' (JSON), the weights are under
// model_weights/<layer name>/, listed in order by that group's 'weight_names' attribute
// (keras/src/legacy/saving/legacy_h5_format.py, load_weights_from_hdf5_group). Optimizer state
// (optimizer_weights/) is not read.
import { readFileSync } from 'node:fs';
import { EdgeqatError } from '../../../runtime/errors.js';
import { Hdf5File } from './hdf5-file.js';
import { buildTfjsModel, parseKerasConfig } from './keras-graph.js';
import { loadKerasWeights } from './keras-weights.js';
import { checkFileSize, parseJson, type ImportedModel } from './imported-model.js';

export async function importKerasH5(path: string): Promise<ImportedModel> {
  checkFileSize(path);
  const h5 = new Hdf5File(readFileSync(path), path);
  const config = h5.attrString('', 'model_config');
  if (config === null) {
    const what = h5.has('model_weights') || h5.keys('').length === 0 ? 'no model config' : 'weights only (model.save_weights) and no model config';
    throw new EdgeqatError('E_MODEL_FILE', `${path}: ${what}: save the whole model with model.save('model.keras') or model.save('model.h5')`);
  }
  const graph = parseKerasConfig(parseJson(new TextEncoder().encode(config), `${path}: model_config`), path);
  const model = buildTfjsModel(graph, path);
  try {
    const root = h5.has('model_weights') ? 'model_weights' : '';
    loadKerasWeights(
      model,
      graph,
      (spec) => {
        const group = `${root}/${spec.name}`;
        const names = h5.attrStrings(group, 'weight_names') ?? [];
        return names.map((n) => {
          const p = `${group}/${n}`;
          const info = h5.dataset(p);
          if (!info) throw h5.fail(`'${p}' is listed in the weight_names of '${group}' but is not a dataset`);
          return { path: p, shape: info.shape, read: () => h5.readFloat32(p) };
        });
      },
      path,
    );
  } catch (e) {
    model.dispose();
    throw e;
  }
  return { model, format: 'keras-h5', source: path, kerasVersion: h5.attrString('', 'keras_version'), graph };
}
