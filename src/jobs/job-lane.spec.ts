import { JobLane } from './job-lane';

/** A job that runs until the test lets it finish. */
function held() {
  let finish!: () => void;
  const done = new Promise<void>((resolve) => (finish = resolve));
  const job = {
    started: false,
    finished: false,
    finish,
    run: async () => {
      job.started = true;
      await done;
      job.finished = true;
    },
  };
  return job;
}
const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('JobLane', () => {
  it('runs at most `concurrency` jobs at once, the next as soon as one finishes, in the order they came', async () => {
    const lane = new JobLane(2);
    const jobs = [held(), held(), held()];
    jobs.forEach((job, i) => lane.add(String(i), job.run));
    await tick();
    expect(jobs.map((j) => j.started)).toEqual([true, true, false]);
    jobs[1].finish();
    await tick();
    expect(jobs.map((j) => j.started)).toEqual([true, true, true]);
    jobs[0].finish();
    jobs[2].finish();
  });

  it('takes a row once while it waits or runs, and again after it ran', async () => {
    const lane = new JobLane(1);
    const first = held();
    expect(lane.add('7', first.run)).toBe(true);
    expect(lane.add('7', held().run)).toBe(false);
    first.finish();
    await tick();
    await tick();
    const again = held();
    expect(lane.add('7', again.run)).toBe(true);
    await tick();
    expect(again.started).toBe(true);
    again.finish();
  });

  it('goes on after a job that failed', async () => {
    const lane = new JobLane(1);
    const after = held();
    lane.add('1', async () => {
      throw new Error('engine failed');
    });
    lane.add('2', after.run);
    await tick();
    await tick();
    expect(after.started).toBe(true);
    after.finish();
  });

  it('on stop, starts nothing more, answers the rows that never started and waits for the running one', async () => {
    const lane = new JobLane(1);
    const running = held();
    const waiting = held();
    lane.add('1', running.run);
    lane.add('2', waiting.run);
    lane.add('3', held().run);
    await tick();
    let stopped: string[] | undefined;
    const stopping = lane.stop().then((ids) => (stopped = ids));
    await tick();
    expect(stopped).toBeUndefined();
    running.finish();
    await stopping;
    expect(stopped).toEqual(['2', '3']);
    expect(running.finished).toBe(true);
    expect(waiting.started).toBe(false);
    expect(lane.add('4', held().run)).toBe(false);
  });
});
