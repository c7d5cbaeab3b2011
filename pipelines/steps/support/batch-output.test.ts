import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ClickHouseClient } from '@clickhouse/client';
import { migrateWarehouse } from '../../warehouse/migrate.ts';
import { queryRows } from '../../../features/warehouse-query.ts';
import { quietLog, testClickHouse, useClickHouseDatabase } from '../../../test/support/services.ts';
import { isComplete, writeBatch } from './batch-output.ts';

/** Two training runs writing the same batch output at once (the pipelines README allows overlapping runs). */
describe('batch outputs of overlapping runs', () => {
  let client: ClickHouseClient;
  const none = { champion: null, challenger: null };
  const rowsOf = (n: number, mean: number) =>
    Array.from({ length: n }, (_, i) => ({ series_id: `s/${mean}/${i}`, entity_code: 'cusco', measure: 'travellers', date: '2025-07-01', mean, lo80: 0, hi80: 1, lo95: 0, hi95: 2 }));
  const stored = async (version: string) =>
    Number((await queryRows<{ n: string }>(client, `SELECT count() AS n FROM demand_forecasts WHERE model_version = {version:String}`, { version }))[0].n);

  before(async () => {
    ({ client } = await testClickHouse());
    await useClickHouseDatabase(client, 'batch_output_overlap');
    await migrateWarehouse(client, quietLog);
  });

  it('neither run drops the other’s batch, written or being written, and a complete batch holds every row', async () => {
    let resume!: () => void;
    const paused = new Promise<void>((resolve) => (resume = resolve));
    async function* slowChunks() {
      yield rowsOf(100, 1);
      await paused; // run A stops half-way while run B writes and finishes
      yield rowsOf(100, 2);
    }
    const a = writeBatch(client, 'demand_forecasts', 'demand-000901', 'run-a', slowChunks(), none);
    while ((await stored('demand-000901')) < 100) await new Promise((r) => setTimeout(r, 20));
    const b = await writeBatch(client, 'demand_forecasts', 'demand-000902', 'run-b', [rowsOf(30, 3)], none);
    assert.deepEqual(b.dropped, [], 'the later run leaves the earlier run’s batch in progress alone');
    resume();
    const first = await a;
    assert.deepEqual(first.dropped, [], 'the earlier run leaves the later run’s complete batch alone');
    assert.equal(first.rows, 200);
    assert.equal(await stored('demand-000901'), 200);
    assert.equal(await stored('demand-000902'), 30);
    assert.ok(await isComplete(client, 'demand_forecasts', 'demand-000901'));
    assert.ok(await isComplete(client, 'demand_forecasts', 'demand-000902'));

    // What failed runs left, never marked complete: one long ago (abandoned), one just now (maybe still writing).
    const leftBy = (version: string, at: string) => rowsOf(2, 9).map((r) => ({ ...r, model_version: version, generated_at: at }));
    await client.insert({ table: 'demand_forecasts', values: [...leftBy('demand-000899', '2020-01-01 00:00:00'), ...leftBy('demand-000900', new Date().toISOString().slice(0, 19).replace('T', ' '))], format: 'JSONEachRow' });
    // A later write drops the older complete batches no reader needs and the abandoned one, not the recent one.
    const c = await writeBatch(client, 'demand_forecasts', 'demand-000903', 'run-c', [rowsOf(5, 4)], none);
    assert.deepEqual(c.dropped.sort(), ['demand-000899', 'demand-000901', 'demand-000902']);
    assert.equal(await stored('demand-000900'), 2);
  });
});
