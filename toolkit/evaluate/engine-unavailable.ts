// Running one model on every engine: an engine that refuses it is listed with its reason, and only
// when none runs it is that an error.
import { EdgeqatError } from '../../runtime/errors.js';

export interface EngineUnavailable {
  engine: string;
  error: string;
}

/** Why an engine refused the model, without the `<model>: ` every such message starts with. */
export function unavailable(engine: string, e: EdgeqatError, modelPath: string): EngineUnavailable {
  return { engine, error: e.message.startsWith(`${modelPath}: `) ? e.message.slice(modelPath.length + 2) : e.message };
}

export function noEngineRuns(modelPath: string, refused: EngineUnavailable[]): EdgeqatError {
  return new EdgeqatError('E_UNSUPPORTED', `${modelPath}: no engine can run this model (${refused.map((u) => `${u.engine}: ${u.error}`).join('; ')})`);
}
