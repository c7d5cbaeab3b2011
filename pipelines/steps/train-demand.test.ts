import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DemandForecaster } from '../../models/demand/demand-forecaster.ts';
import { checkDemandModel } from '../../models/demand/demand-fingerprint.ts';
import { batchForecast } from '../../features/batch-lookups.ts';
import { queryRows } from '../../features/warehouse-query.ts';
import { pipelineFixture, type PipelineFixture } from '../../test/support/pipeline-fixture.ts';

describe('train-demand step', () => {
  let f: PipelineFixture;

  before(async () => {
    f = await pipelineFixture('train_demand', { customers: 1500, years: 3 });
    await f.run(['build-features', 'train-demand', 'evaluate']);
  });

  it('registers a daily forecaster that beats the seasonal naive forecast on the held-out months', async () => {
    const v = await f.registry.get('demand', 'champion');
    assert.equal(v.holdoutId, 'demand:2025-04-01..2025-07-01:daily-destinations');
    assert.ok(v.metrics.mase < v.metrics.seasonal_naive_mase, `MASE ${v.metrics.mase} vs seasonal naive ${v.metrics.seasonal_naive_mase}`);
    assert.equal(v.metrics.series_scored, 12, 'six destinations, bookings and travellers');
    assert.equal(v.metrics.horizon_days, 91);
    assert.ok(v.metrics.coverage80 > 0.6 && v.metrics.coverage95 >= v.metrics.coverage80);
  });

  it('writes the next 365 days of every series with ordered bounds, as the model forecasts them', async () => {
    const v = await f.registry.get('demand', 'champion');
    const model = DemandForecaster.fromArtifact(await f.registry.loadArtifact(v));
    assert.equal(v.fingerprint?.probes.length, 5, 'forecasts of a few series recorded for serving to check');
    checkDemandModel(model, v);
    assert.ok(model.validationOf('destination/cusco/travellers').chosen, 'daily series fitted by the multi-seasonal forecaster');
    const counts = await queryRows<{ series_id: string; n: string; first: string; last: string; bad: string }>(
      f.client,
      `SELECT series_id, count() AS n, toString(min(date)) AS first, toString(max(date)) AS last,
         countIf(NOT (lo95 <= lo80 AND lo80 <= mean AND mean <= hi80 AND hi80 <= hi95 AND lo95 >= 0)) AS bad
       FROM demand_forecasts_current GROUP BY series_id ORDER BY series_id`,
    );
    assert.equal(counts.length, model.seriesIds.length);
    for (const c of counts) assert.deepEqual([Number(c.n), c.first, c.last, Number(c.bad)], [365, '2025-07-01', '2026-06-30', 0], c.series_id);
    const served = await batchForecast(f.client, 'destination/cusco/travellers', { from: '2025-07-01', to: '2025-07-07' });
    const [forecast] = model.predict([{ seriesId: 'destination/cusco/travellers', horizon: 7 }]);
    assert.equal(served.modelVersion, v.version);
    assert.deepEqual(served.days.map((d) => d.date), forecast.dates);
    served.days.forEach((d, h) => assert.ok(Math.abs(d.mean - forecast.mean[h]) < 1e-9));
  });
});
