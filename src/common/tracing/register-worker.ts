import { startTracing } from './tracing';

/** Imported first by src/worker.ts: starts tracing before anything it instruments is loaded. */
startTracing('spendin-worker');
