/**
 * `npm run bench -- request-log-insert`: what the scored-request log's batch size costs when its ClickHouse is the
 * embedded one (chDB), i.e. runs on the cores that answer requests. The real RequestLog records recommendation-like
 * rows at 5,000 rows/s (the recommendation goal's rate) and is flushed every N rows, for N from 1,000 to 20,000, each
 * into a table of its own; then the merges are let finish. Figures per N: CPU per row of the whole process (the
 * rows' encoding on the JavaScript thread, chDB's parsing, writing and merging on its own threads), and the longest
 * insert — how long a core is held at once, which is what the requests answered meanwhile feel. Baseline: N = 20,000,
 * the default before this bench (REQUEST_LOG_BATCH_ROWS).
 */
import type { BenchContext } from './run.ts';
import { processCpu } from './support/process-cpu.ts';
import { migrateWarehouse } from '../pipelines/warehouse/migrate.ts';
import { createApiMetrics } from '../serving/metrics/api-metrics.ts';
import { RequestLog, clickhouseTime, type ScoredRequestRow } from '../serving/request-log/request-log.ts';
import { queryRows } from '../features/warehouse-query.ts';
import { mulberry32 } from '../platform/random.ts';
import { quietLog, testClickHouse, useClickHouseDatabase } from '../test/support/services.ts';

export const title = 'Scored-request log into the embedded ClickHouse: CPU per row and longest insert by batch size (vs 20,000 rows)';

const RATE = 5000;
const TICK_MS = 10;
const BATCH_SIZES = [1000, 2500, 5000, 10_000, 20_000];
const BASELINE = 20_000;

/** Rows shaped like a recommendation read's (measured in the serving bench: ~840 bytes of JSON each). */
function recommendationRows(count: number): ScoredRequestRow[] {
  const rng = mulberry32(2026);
  const hex = (n: number) => Array.from({ length: n }, () => Math.floor(rng() * 16).toString(16)).join('');
  return Array.from({ length: count }, (_, i) => {
    const customer = 1 + (i % 2000);
    const items = Array.from({ length: 10 }, (_, k) => [1 + Math.floor(rng() * 54), Number((1 - k * 0.07 - rng() * 0.05).toFixed(6))]);
    return {
      request_id: `${hex(8)}-${hex(4)}-4${hex(3)}-a${hex(3)}-${hex(12)}`,
      item: 0,
      scored_at: '',
      route: '/v1/customers/:id/recommendations',
      family: 'recommender',
      model_version: 'recommender-000001',
      feature_snapshot_id: `fs_${hex(24)}`,
      defaulted_features: [],
      caller_kind: 'api-key',
      caller_id: '1',
      caller_role: 'quotation-engine',
      subject: `customer:${customer}`,
      quotation_id: null,
      customer_id: customer,
      request: { customerId: customer, k: 10, from: '2026-12-04', to: '2027-06-02' },
      latency_ms: 0.04,
      features: { window: { from: '2026-12-04', to: '2027-06-02' }, available: `fs_${hex(24)}`, bookedThisSeason: i % 3 ? [] : [String(1 + (i % 54))], homeMarket: null, budget: null, exclude: [] },
      response: { personal: true, items },
    };
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface SizeResult {
  batchRows: number;
  rows: number;
  inserts: number;
  cpuMicrosecondsPerRow: number;
  /** Of which on the JavaScript thread (encoding the rows, the same at every size) … */
  jsThreadMicrosecondsPerRow: number;
  /** … and on chDB's threads: parsing, writing, merging. */
  chdbMicrosecondsPerRow: number;
  longestInsertMs: number;
  medianInsertMs: number;
  partsAfterMerges: number;
}

async function measure(batchRows: number, totalRows: number, rows: ScoredRequestRow[]): Promise<SizeResult> {
  const { client } = await testClickHouse();
  await useClickHouseDatabase(client, `bench_request_log_${batchRows}`);
  await migrateWarehouse(client, quietLog);
  // Flushed by this bench every batchRows rows, never by its timer, so every insert has the size being measured.
  const log = new RequestLog(client, quietLog, createApiMetrics(), { flushMs: 3_600_000, batchRows: 10_000_000, maxBuffered: 10_000_000 });
  const inserts: number[] = [];
  const flushes: Array<Promise<void>> = [];
  const before = processCpu(process.pid);
  const start = performance.now();
  let recorded = 0;
  let sinceFlush = 0;
  while (recorded < totalRows) {
    // Rows fall due at RATE per second; record those due, then wait for the next tick.
    const due = Math.min(totalRows, Math.floor(((performance.now() - start) / 1000) * RATE));
    for (; recorded < due; recorded++) {
      log.record(Object.assign({}, rows[recorded % rows.length], { scored_at: clickhouseTime(new Date()) }));
      if (++sinceFlush === batchRows) {
        sinceFlush = 0;
        const began = performance.now();
        flushes.push(log.flush().then(() => void inserts.push(performance.now() - began)));
      }
    }
    await sleep(TICK_MS);
  }
  await Promise.all(flushes);
  await log.flush();
  // The merges that these parts set off are part of their cost: wait until none is running (at most a minute).
  for (let waited = 0; waited < 60_000; waited += 500) {
    const [{ running }] = await queryRows<{ running: string }>(client, "SELECT count() AS running FROM system.merges WHERE database = currentDatabase() AND table = 'scored_requests'");
    if (Number(running) === 0 && waited >= 2000) break;
    await sleep(500);
  }
  const after = processCpu(process.pid);
  const [{ parts }] = await queryRows<{ parts: string }>(client, "SELECT count() AS parts FROM system.parts WHERE database = currentDatabase() AND table = 'scored_requests' AND active");
  await log.close();
  const sorted = [...inserts].sort((a, b) => a - b);
  const perRow = (seconds: number) => Number(((seconds * 1e6) / totalRows).toFixed(1));
  return {
    batchRows,
    rows: totalRows,
    inserts: inserts.length,
    cpuMicrosecondsPerRow: perRow(after.all - before.all),
    jsThreadMicrosecondsPerRow: perRow(after.main - before.main),
    chdbMicrosecondsPerRow: perRow(after.all - before.all - (after.main - before.main)),
    longestInsertMs: Math.round(sorted.at(-1) ?? 0),
    medianInsertMs: Math.round(sorted[Math.floor(sorted.length / 2)] ?? 0),
    partsAfterMerges: Number(parts),
  };
}

export async function run(ctx: BenchContext): Promise<Record<string, unknown>> {
  const totalRows = ctx.scale === 'small' ? 40_000 : 200_000;
  const rows = recommendationRows(2000);
  const bySize: SizeResult[] = [];
  for (const batchRows of BATCH_SIZES) {
    ctx.log(`batches of ${batchRows} rows: ${totalRows} rows at ${RATE}/s`);
    bySize.push(await measure(batchRows, totalRows, rows));
  }
  const baseline = bySize.find((r) => r.batchRows === BASELINE)!;
  const cheapest = bySize.reduce((best, r) => (r.chdbMicrosecondsPerRow < best.chdbMicrosecondsPerRow ? r : best));
  return {
    rowsPerSize: totalRows,
    rowsPerSecond: RATE,
    bySize,
    cheapestBatchRows: cheapest.batchRows,
    chdbCpuPerRowVsBaseline: Object.fromEntries(bySize.map((r) => [r.batchRows, Number((r.chdbMicrosecondsPerRow / baseline.chdbMicrosecondsPerRow).toFixed(2))])),
    longestInsertVsBaseline: Object.fromEntries(bySize.map((r) => [r.batchRows, Number((r.longestInsertMs / Math.max(1, baseline.longestInsertMs)).toFixed(2))])),
  };
}
