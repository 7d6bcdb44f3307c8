/**
 * WEB_CONCURRENCY: how many API processes serve one port (node:cluster). `auto`: one per core
 * (`cores`); unset: 1, a single process and no cluster at all.
 */
export const MAX_WEB_CONCURRENCY = 64;

export function webConcurrency(value: string | undefined, cores: number): number {
  if (value === undefined) return 1;
  if (value === 'auto') return Math.min(MAX_WEB_CONCURRENCY, Math.max(1, cores));
  return Number(value);
}
