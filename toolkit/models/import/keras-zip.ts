// Keras 3's native `.keras` format: a zip holding config.json (the model config), metadata.json
// (keras_version, date) and model.weights.h5. In the weights file every layer the model tracks
// (model.layers: with its InputLayer for a functional model, without it for a Sequential one) has
// a group layers/<snake_case class name>[_<n>]/vars holding its variables as datasets 0, 1, ...
// (keras/src/saving/saving_lib.py, _save_container_state: names by class, not by layer name, with
// a counter per class). Keras 3.x also writes the layer's name as the vars group's 'name'
// attribute; when it is there it is checked against the layer.
import { EdgeqatError } from '../../../runtime/errors.js';
import { buildTfjsModel, parseKerasConfig, type KerasLayerSpec } from './keras-graph.js';
import { loadKerasWeights, type StoredArray } from './keras-weights.js';
import { Hdf5File } from './hdf5-file.js';
import { checkFileSize, parseJson, type ImportedModel } from './imported-model.js';
import { readZipEntries } from './zip-archive.js';

const CONFIG = 'config.json';
const METADATA = 'metadata.json';
const WEIGHTS = 'model.weights.h5';

/** keras.src.utils.naming.to_snake_case. */
export function toSnakeCase(name: string): string {
  return name
    .replace(/\W+/g, '')
    .replace(/(.)([A-Z][a-z]+)/g, '$1_$2')
    .replace(/([a-z])([A-Z])/g, '$1_$2')
    .toLowerCase();
}

/** Each saved layer's group under layers/, as saving_lib names them. */
export function savedLayerGroups(layers: KerasLayerSpec[]): Map<string, string> {
  const used = new Map<string, number>();
  const groups = new Map<string, string>();
  for (const spec of layers) {
    const base = toSnakeCase(spec.className);
    const n = used.get(base) ?? 0;
    used.set(base, n + 1);
    groups.set(spec.name, n === 0 ? base : `${base}_${n}`);
  }
  return groups;
}

export async function importKerasZip(path: string): Promise<ImportedModel> {
  checkFileSize(path);
  const zip = await readZipEntries(path, [CONFIG, METADATA, WEIGHTS]);
  const config = zip.data.get(CONFIG);
  if (!config) throw new EdgeqatError('E_MODEL_FILE', `${path}: a zip without ${CONFIG}, not a Keras .keras file`);
  const weights = zip.data.get(WEIGHTS);
  if (!weights) {
    const other = zip.entries.find((e) => /^model\.weights\./.test(e.name) || e.name.startsWith('model.weights'));
    throw new EdgeqatError(other ? 'E_UNSUPPORTED' : 'E_MODEL_FILE', other ? `${path}: weights stored as ${other.name} (edgeqat reads Keras's default ${WEIGHTS})` : `${path}: no ${WEIGHTS} in the archive`);
  }
  const meta = zip.data.get(METADATA);
  const metadata = meta ? (parseJson(meta, `${path}: ${METADATA}`) as { keras_version?: unknown }) : {};
  const graph = parseKerasConfig(parseJson(config, `${path}: ${CONFIG}`), path);
  const model = buildTfjsModel(graph, path);
  try {
    const h5 = new Hdf5File(weights, `${path}: ${WEIGHTS}`);
    const saved = graph.kind === 'Sequential' ? graph.layers.filter((l) => l.className !== 'InputLayer') : graph.layers;
    const groups = savedLayerGroups(saved);
    loadKerasWeights(
      model,
      graph,
      (spec): StoredArray[] => {
        const group = groups.get(spec.name);
        if (!group) return [];
        const vars = `layers/${group}/vars`;
        const recorded = h5.attrString(vars, 'name');
        if (recorded !== null && recorded !== spec.name) {
          throw h5.fail(`group ${vars} holds the weights of layer '${recorded}', expected '${spec.name}' (the config and the weights are from different models)`);
        }
        return h5
          .keys(vars)
          .filter((k) => /^\d+$/.test(k))
          .sort((a, b) => Number(a) - Number(b))
          .map((k) => {
            const p = `${vars}/${k}`;
            const info = h5.dataset(p);
            if (!info) throw h5.fail(`'${p}' is not a dataset`);
            return { path: p, shape: info.shape, read: () => h5.readFloat32(p) };
          });
      },
      path,
    );
  } catch (e) {
    model.dispose();
    throw e;
  }
  return { model, format: 'keras', source: path, kerasVersion: typeof metadata.keras_version === 'string' ? metadata.keras_version : null, graph };
}
