import { Semaphore, SemaphoreFullError } from './semaphore';

describe('Semaphore', () => {
  const deferred = () => {
    let resolve!: () => void;
    const promise = new Promise<void>((r) => (resolve = r));
    return { promise, resolve };
  };

  it('runs at most `limit` tasks at once and starts the waiting ones in order as slots free', async () => {
    const semaphore = new Semaphore(2, 10);
    const gates = [deferred(), deferred(), deferred(), deferred()];
    const started: number[] = [];
    const runs = gates.map((gate, i) =>
      semaphore.run(async () => {
        started.push(i);
        await gate.promise;
        return i;
      }),
    );
    await new Promise((r) => setImmediate(r));
    expect(started).toEqual([0, 1]);
    expect(semaphore.load).toEqual({ running: 2, waiting: 2 });
    gates[1].resolve();
    await runs[1];
    await new Promise((r) => setImmediate(r));
    expect(started).toEqual([0, 1, 2]);
    gates[0].resolve();
    gates[2].resolve();
    gates[3].resolve();
    expect(await Promise.all(runs)).toEqual([0, 1, 2, 3]);
    expect(semaphore.load).toEqual({ running: 0, waiting: 0 });
  });

  it('refuses at once when the slots and the queue are full, and takes tasks again once they free', async () => {
    const semaphore = new Semaphore(1, 1);
    const gate = deferred();
    const first = semaphore.run(() => gate.promise);
    const second = semaphore.run(async () => 'second');
    await expect(semaphore.run(async () => 'third')).rejects.toBeInstanceOf(SemaphoreFullError);
    gate.resolve();
    await first;
    expect(await second).toBe('second');
    expect(await semaphore.run(async () => 'again')).toBe('again');
  });

  it('frees the slot when a task fails', async () => {
    const semaphore = new Semaphore(1, 0);
    await expect(
      semaphore.run(async () => {
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(semaphore.load).toEqual({ running: 0, waiting: 0 });
    expect(await semaphore.run(async () => 1)).toBe(1);
  });

  it('refuses a limit below one or a negative queue', () => {
    expect(() => new Semaphore(0, 1)).toThrow('limit must be a positive integer');
    expect(() => new Semaphore(1, -1)).toThrow('maxWaiting must be a non-negative integer');
  });
});
