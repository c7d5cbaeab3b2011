import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DemandForecaster } from '../../models/demand/demand-forecaster.ts';
import { dailySeries } from '../../models/demand/synthetic-demand.ts';
import { forecastWindow } from './demand-outlook.ts';

/** A daily model asked for weeks: a week the window cuts is a shorter row that says where it starts and how long it is. */
test('a week the window cuts is a row of the days inside it, starting with the window', async () => {
  const start = '2024-01-01';
  const values = dailySeries({ start, days: 2 * 365, level: 30, trendPerDay: 0, weekendLift: 6, yearlyAmplitude: 5, semanaSantaSpike: 0, noiseSd: 2, seed: 3 });
  const model = await new DemandForecaster({ strategy: 'seasonal_naive', seed: 1, workers: 1 }).fit({ series: [{ id: 'destination/cusco/travellers', start, values }], frequency: 'daily', horizon: 28 });
  const [daily] = model.predict([{ seriesId: 'destination/cusco/travellers', horizon: 28 }]);
  // The first Monday forecast, then the window from that week's Wednesday.
  const monday = daily.dates.find((d) => new Date(`${d}T00:00:00Z`).getUTCDay() === 1)!;
  const wednesday = new Date(Date.parse(`${monday}T00:00:00Z`) + 2 * 86_400_000).toISOString().slice(0, 10);
  const rows = forecastWindow(model, 'destination/cusco/travellers', { destination: 'cusco', from: wednesday, to: daily.dates[daily.dates.length - 1] }, 'week');
  assert.equal(rows[0].start, wednesday);
  assert.equal(rows[0].days, 5);
  const at = daily.dates.indexOf(wednesday);
  const fiveDays = daily.mean.slice(at, at + 5).reduce((s, v) => s + v, 0);
  assert.ok(Math.abs(rows[0].mean - fiveDays) < 1e-3, `${rows[0].mean} against ${fiveDays}`);
  assert.equal(rows[1].days, 7);
  assert.equal(new Date(`${rows[1].start}T00:00:00Z`).getUTCDay(), 1, 'a whole week starts on its Monday');
});
