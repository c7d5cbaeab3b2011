import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Logger } from '../../platform/log.ts';
import { freePort } from '../../test/support/free-port.ts';
import { openPipelineQueues } from './pipeline-workers.ts';

/** Lines logged, by level. */
function capturingLog(lines: Array<[string, string, Record<string, unknown> | undefined]>): Logger {
  const log: Logger = {
    debug: (msg, fields) => lines.push(['debug', msg, fields]),
    info: (msg, fields) => lines.push(['info', msg, fields]),
    warn: (msg, fields) => lines.push(['warn', msg, fields]),
    error: (msg, fields) => lines.push(['error', msg, fields]),
    child: () => log,
  };
  return log;
}

test('queues whose Redis is away log a warning now and then, and print nothing of their own', async () => {
  const lines: Array<[string, string, Record<string, unknown> | undefined]> = [];
  const printed: unknown[][] = [];
  const consoleError = console.error;
  // What BullMQ prints by itself when a queue's connection error has no listener.
  console.error = (...args: unknown[]) => void printed.push(args);
  const queues = openPipelineQueues(`redis://127.0.0.1:${await freePort()}`, capturingLog(lines));
  try {
    await new Promise((resolve) => setTimeout(resolve, 2500));
  } finally {
    await Promise.all(Object.values(queues).map((q) => q.close().catch(() => undefined)));
    console.error = consoleError;
  }
  const warnings = lines.filter(([level, msg]) => level === 'warn' && /redis connection error; reconnecting/.test(msg));
  assert.ok(warnings.length >= 1, JSON.stringify(lines));
  assert.ok(warnings.length <= 1, `one line per ten seconds, not one per attempt: ${warnings.length}`);
  assert.deepEqual(printed.filter((args) => /ECONNREFUSED/.test(String(args[0] instanceof Error ? args[0].message : args.join(' ')))), []);
});
