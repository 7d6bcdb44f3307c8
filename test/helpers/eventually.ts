export interface EventuallyOptions {
  timeoutMs?: number;
  intervalMs?: number;
}

/**
 * Retries `check` until it returns without throwing, and answers what it returned; after
 * `timeoutMs` the last failure is thrown. For what happens after a request has been answered
 * (jobs, deliveries, processes stopping).
 */
export async function eventually<T>(
  check: () => T | Promise<T>,
  { timeoutMs = 30_000, intervalMs = 50 }: EventuallyOptions = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  }
}

/**
 * Polls `condition` until it answers a value (anything but false, undefined or null) and
 * answers that value; after `timeoutMs` (45 s unless told) fails with "timed out waiting for
 * `what`". Unlike `eventually`, an error thrown by `condition` fails at once: it is an answer,
 * not a "not yet". `await until(() => sent.length > 0, 'the delivery')`.
 */
export async function until<T>(
  condition: () => T | false | undefined | null | Promise<T | false | undefined | null>,
  what = 'a condition',
  { timeoutMs = 45_000, intervalMs = 50 }: EventuallyOptions = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await condition();
    if (value !== false && value !== undefined && value !== null) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
