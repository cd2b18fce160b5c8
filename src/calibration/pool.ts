/** A pool of worker threads that evaluate calibration rows (node only). */
import { Worker } from 'node:worker_threads';
import type { Params } from '../engine/index';
import type { RowAssumption } from './rows';

export interface Job {
  row: number;
  params: Params;
  durationMs?: number;
}

export class RowPool {
  private readonly workers: Worker[] = [];
  private readonly idle: Worker[] = [];
  private readonly waiting: { job: Job; resolve: (v: number) => void; reject: (e: unknown) => void }[] = [];
  private readonly pending = new Map<number, { resolve: (v: number) => void; reject: (e: unknown) => void; w: Worker }>();
  private seq = 0;
  /** Row evaluations done (for the report). */
  evaluations = 0;

  /** `assume`: the what-if settings the workers' rows carry (rows.ts), as the fitter's rows do. */
  constructor(n: number, assume: RowAssumption | null = null) {
    for (let i = 0; i < n; i++) {
      const w = new Worker(new URL('./worker-boot.mjs', import.meta.url), { workerData: { assume } });
      w.on('message', (m: { id: number; value: number }) => {
        const p = this.pending.get(m.id)!;
        this.pending.delete(m.id);
        this.evaluations++;
        p.resolve(m.value);
        this.release(w);
      });
      w.on('error', (e) => {
        for (const [id, p] of this.pending) if (p.w === w) { this.pending.delete(id); p.reject(e); }
      });
      this.workers.push(w);
      this.idle.push(w);
    }
  }

  run(job: Job): Promise<number> {
    return new Promise((resolve, reject) => {
      const w = this.idle.pop();
      if (w) this.send(w, job, resolve, reject);
      else this.waiting.push({ job, resolve, reject });
    });
  }

  /** Evaluate jobs in order; results in the same order. */
  all(jobs: Job[]): Promise<number[]> {
    return Promise.all(jobs.map((j) => this.run(j)));
  }

  private send(w: Worker, job: Job, resolve: (v: number) => void, reject: (e: unknown) => void): void {
    const id = this.seq++;
    this.pending.set(id, { resolve, reject, w });
    w.postMessage({ id, row: job.row, params: job.params, durationMs: job.durationMs });
  }

  private release(w: Worker): void {
    const next = this.waiting.shift();
    if (next) this.send(w, next.job, next.resolve, next.reject);
    else this.idle.push(w);
  }

  close(): Promise<number[]> {
    return Promise.all(this.workers.map((w) => w.terminate()));
  }
}
