/** Thrown by `Semaphore.run` when every slot is taken and the queue is full. */
export class SemaphoreFullError extends Error {
  constructor() {
    super('Every slot is taken and the queue is full');
    this.name = 'SemaphoreFullError';
  }
}

/**
 * At most `limit` tasks at once, at most `maxWaiting` more waiting in line (first come, first
 * served); beyond that `run` refuses at once instead of queueing without bound.
 */
export class Semaphore {
  private running = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(
    private readonly limit: number,
    private readonly maxWaiting: number,
  ) {
    if (!Number.isInteger(limit) || limit < 1) throw new Error(`limit must be a positive integer (got ${limit})`);
    if (!Number.isInteger(maxWaiting) || maxWaiting < 0)
      throw new Error(`maxWaiting must be a non-negative integer (got ${maxWaiting})`);
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.running >= this.limit) {
      if (this.waiting.length >= this.maxWaiting) throw new SemaphoreFullError();
      // The slot is handed over by the finishing task, so `running` never drops in between.
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else {
      this.running += 1;
    }
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.running -= 1;
    }
  }

  /** Tasks running now and tasks waiting, for tests and diagnostics. */
  get load(): { running: number; waiting: number } {
    return { running: this.running, waiting: this.waiting.length };
  }
}
