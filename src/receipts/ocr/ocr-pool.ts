import type { Worker } from 'tesseract.js';

/**
 * Tesseract workers lent out one job at a time. tesseract.js's own scheduler cannot give a
 * job its own parameters (a worker's are shared by every job it runs); here a job gets a
 * worker to itself, sets what it needs, and the worker remembers what it was set to.
 */
export class OcrPool {
  private readonly idle: Worker[];
  private readonly waiting: Array<(worker: Worker) => void> = [];
  private readonly settings = new Map<Worker, string>();

  constructor(private readonly workers: Worker[]) {
    this.idle = [...workers];
  }

  /** Runs `job` on a free worker set to `parameters` (waiting for one when all are busy). */
  async run<T>(parameters: Record<string, string>, job: (worker: Worker) => Promise<T>): Promise<T> {
    const worker = this.idle.pop() ?? (await new Promise<Worker>((resolve) => this.waiting.push(resolve)));
    try {
      const wanted = JSON.stringify(parameters);
      if (this.settings.get(worker) !== wanted) {
        await worker.setParameters(parameters);
        this.settings.set(worker, wanted);
      }
      return await job(worker);
    } finally {
      const next = this.waiting.shift();
      if (next) next(worker);
      else this.idle.push(worker);
    }
  }

  async terminate(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate().catch(() => undefined)));
  }
}
