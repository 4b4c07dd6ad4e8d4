// How a long computation tells its caller how far it is. The CLI draws it on stderr
// (toolkit/cli/progress.ts); library callers pass their own or none.
export interface Progress {
  update(done: number, total: number, detail?: string): void;
  done(detail?: string): void;
}

/** Makes the Progress of one labelled step (e.g. `eval (tfjs-tflite)`). */
export type ProgressFactory = (label: string) => Progress;

export const silentProgress: ProgressFactory = () => ({ update() {}, done() {} });
