// Runs fuzz cases in a child process (case-worker.ts, through tsx) and survives what a case can do
// to it: a WebAssembly crash (the child is replaced before the next case), a hang (killed after
// `hangMs`), or the child dying (fatal out-of-memory, abort). Each outcome comes back as a report.
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { CaseReport } from './run-case.js';
import type { WorkerCase, WorkerInit } from './case-worker.js';

export interface CaseResult {
  report: CaseReport;
  ms: number;
  /** RSS of the process that ran the case, after it (bytes). */
  rss: number;
}

type Reply =
  | { type: 'ready'; engines: string[] }
  | { type: 'done'; index: number; report: CaseReport; ms: number; rss: number }
  | { type: 'error'; message: string };

const WORKER = fileURLToPath(new URL('./case-worker.ts', import.meta.url));

export class CaseRunner {
  private child: ChildProcess | undefined;
  engines: string[] = [];
  restarts = 0;

  constructor(
    private readonly init: Omit<WorkerInit, 'type'>,
    private readonly hangMs: number,
  ) {}

  private async start(): Promise<ChildProcess> {
    const child = fork(WORKER, [], {
      execArgv: ['--import', 'tsx'],
      serialization: 'advanced', // Uint8Array arrives as Uint8Array
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'], // the interpreter's log lines are not our output
    });
    child.stderr?.resume();
    const ready = await this.request(child, { type: 'init', ...this.init }, 60_000);
    if (ready.type !== 'ready') throw new Error(`fuzz worker failed to start: ${ready.type === 'error' ? ready.message : ready.type}`);
    this.engines = ready.engines;
    return child;
  }

  /** Sends one message; resolves with the reply, or rejects when the child dies or times out. */
  private request(child: ChildProcess, msg: WorkerInit | WorkerCase, timeoutMs: number): Promise<Reply> {
    return new Promise((resolve, reject) => {
      const cleanup = () => {
        clearTimeout(timer);
        child.off('message', onMessage);
        child.off('exit', onExit);
      };
      const onMessage = (reply: Reply) => {
        cleanup();
        resolve(reply);
      };
      const onExit = (code: number | null, signal: string | null) => {
        cleanup();
        reject(new Error(`process died (${signal ?? `exit code ${code}`})`));
      };
      const timer = setTimeout(() => {
        cleanup();
        child.kill('SIGKILL');
        reject(new Error(`hang: no result after ${timeoutMs} ms`));
      }, timeoutMs);
      child.on('message', onMessage);
      child.on('exit', onExit);
      child.send(msg);
    });
  }

  private stop(): void {
    this.child?.kill('SIGKILL');
    this.child = undefined;
  }

  async run(index: number, bytes: Uint8Array): Promise<CaseResult> {
    this.child ??= await this.start();
    const t0 = performance.now();
    try {
      const reply = await this.request(this.child, { type: 'case', index, bytes }, this.hangMs);
      if (reply.type !== 'done') throw new Error(reply.type === 'error' ? `harness error: ${reply.message}` : 'unexpected reply');
      // A crashed interpreter is not reused: the next case gets a fresh process.
      if (reply.report.rawCrash || reply.report.failures.some((f) => f.includes('WebAssembly crash'))) this.restart();
      return { report: reply.report, ms: reply.ms, rss: reply.rss };
    } catch (e) {
      this.restart();
      const message = (e as Error).message;
      return { report: { accepted: false, stages: [], failures: [`case: ${message}`] }, ms: performance.now() - t0, rss: 0 };
    }
  }

  private restart(): void {
    this.stop();
    this.restarts++;
  }

  close(): void {
    this.child?.disconnect();
    this.child = undefined;
  }
}
