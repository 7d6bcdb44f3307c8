/**
 * A lane of its own for one slow consumer's jobs (OCR) when they run in-process: at most
 * `concurrency` at once, in the order they came, beside the dispatcher instead of in line with
 * every other job. A row is taken once: handed in again while it waits or runs (its lease
 * lapsed and the dispatcher leased it anew), it is not run a second time.
 */
export class JobLane {
  private readonly waiting: Array<{ id: string; run: () => Promise<void> }> = [];
  private readonly taken = new Set<string>();
  private running = 0;
  private stopped = false;
  private idle?: () => void;

  constructor(private readonly concurrency: number) {}

  /** Queues the job of row `id`; false when the lane has that row already, or has stopped. */
  add(id: string, run: () => Promise<void>): boolean {
    if (this.stopped || this.taken.has(id)) return false;
    this.taken.add(id);
    this.waiting.push({ id, run });
    this.next();
    return true;
  }

  /** Starts nothing more; answers the rows that never started, once the running jobs have finished. */
  async stop(): Promise<string[]> {
    this.stopped = true;
    const never = this.waiting.splice(0).map((job) => job.id);
    for (const id of never) this.taken.delete(id);
    while (this.running > 0) await new Promise<void>((resolve) => (this.idle = resolve));
    return never;
  }

  private next(): void {
    while (!this.stopped && this.running < this.concurrency && this.waiting.length > 0) {
      const job = this.waiting.shift()!;
      this.running++;
      // `run` reports its own failures (the dispatcher reschedules the row and logs).
      void job
        .run()
        .catch(() => undefined)
        .finally(() => {
          this.running--;
          this.taken.delete(job.id);
          if (this.running === 0) this.idle?.();
          this.next();
        });
    }
  }
}
