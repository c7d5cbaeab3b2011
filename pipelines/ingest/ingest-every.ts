import type pg from 'pg';
import type { ClickHouseClient } from '@clickhouse/client';
import type { Logger } from '../../platform/log.ts';
import { logConnectionLoss } from '../../platform/stopping.ts';
import { ingest } from './ingest.ts';
import { refreshMarts } from '../warehouse/marts.ts';

/**
 * The ingest on a timer, for a process that holds the embedded ClickHouse (`npm start`): no other process can
 * open it to run `spirit-ml ingest`, and without Redis there is no scheduler, so this process copies what changed
 * itself — decisions included, which the review desk's acceptance figures count. Runs never overlap; a failed
 * run is logged (a warning, unless the process is stopping) and the next one starts over from the watermarks.
 */
export function ingestEvery(pool: pg.Pool, clickhouse: ClickHouseClient, everyMs: number, log: Logger): { stop(): Promise<void> } {
  let running: Promise<void> | undefined;
  let stopped = false;
  const timer = setInterval(() => {
    if (running || stopped) return;
    running = ingest(pool, clickhouse, { log: log.child({ component: 'ingest' }), path: 'auto' })
      // The marts at once, as after `spirit-ml ingest`: a report read now sees what was just copied.
      .then(async (report) => {
        await refreshMarts(clickhouse);
        log.info('scheduled ingest done', { rows: report.rows, seconds: report.seconds });
      })
      // Ctrl+C stops an embedded PostgreSQL at the same moment as this process: a run it cuts short is part of stopping.
      .catch((err: Error) => logConnectionLoss(log, 'scheduled ingest failed; the next run starts over from the watermarks', { error: err.message }))
      .finally(() => (running = undefined));
  }, everyMs);
  timer.unref();
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
