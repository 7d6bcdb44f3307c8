import { startTracing } from './tracing';

/** Imported first by src/main.ts: starts tracing before anything it instruments is loaded. */
startTracing('spendin-api');
