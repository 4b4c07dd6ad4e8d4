// SIGINT/SIGTERM during training: the first one asks the training loop to stop at the next step
// (it saves a checkpoint, and the CLI exits 130/143); a second one terminates at once.
export interface StopSignals {
  readonly signal: NodeJS.Signals | null;
  dispose(): void;
}

export function watchStopSignals(): StopSignals {
  let received: NodeJS.Signals | null = null;
  const handler = (sig: NodeJS.Signals) => {
    if (received) {
      dispose();
      process.kill(process.pid, sig);
      return;
    }
    received = sig;
    process.stderr.write(`\n${sig}: stopping after this step and saving a checkpoint (send it again to quit now)\n`);
  };
  const dispose = () => {
    process.off('SIGINT', handler);
    process.off('SIGTERM', handler);
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return {
    get signal() {
      return received;
    },
    dispose,
  };
}
