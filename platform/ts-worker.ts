import { Worker } from 'node:worker_threads';

/**
 * Starts a worker thread on a TypeScript module. On Node 20 a worker does not get tsx's loader, neither from the
 * inherited `--import tsx` nor from an explicit `execArgv` ("Unknown file extension .ts"), and the published
 * `bin/spirit-ml.js` registers tsx programmatically, leaving nothing to inherit. So the worker boots from a line
 * of JavaScript that registers tsx (resolved here, not from the worker's working directory) and imports the module.
 */
const tsxApi = import.meta.resolve('tsx/esm/api');

export function startTsWorker(moduleUrl: URL, workerData?: unknown): Worker {
  const boot = `import(${JSON.stringify(tsxApi)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(moduleUrl.href)}); });`;
  return new Worker(boot, { eval: true, execArgv: [], workerData });
}
