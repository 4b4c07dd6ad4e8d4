// How the report's long steps (evaluation, latency runs) tell the caller how far they are.
export interface ReportProgress {
  update(done: number, total: number): void;
  done(detail?: string): void;
}
