import type { Step } from '../step.ts';
import { InputError } from '../../platform/errors.ts';
import { DEMAND_SERIES_VERSION, readDemandSeries } from '../../features/demand-series.ts';
import { latestFeatureBuild } from '../../features/feature-builds.ts';
import { DemandForecaster } from '../../models/demand/demand-forecaster.ts';
import { demandFingerprint } from '../../models/demand/demand-fingerprint.ts';
import { coverage, mase, seasonalNaiveScale, smape } from '../../models/demand/accuracy.ts';
import type { DemandObservation } from '../../models/demand/series.ts';
import { writeBatch } from './support/batch-output.ts';
import { holdoutWindow } from './support/holdout-window.ts';
import { MODEL_FAMILIES } from '../../models/families.ts';
import { runParam, seedParam } from './support/step-params.ts';

/**
 * Daily demand per destination (issue 5): bookings and travellers, from demand_series. The forecaster learns from
 * the days before the held-out months and forecasts them; its MASE (scaled by the in-sample weekly naive error) is
 * compared with the seasonal naive forecast's on the same days. The registered forecaster is refitted on every
 * day, and its next `forecastDays` (365) days per series go to demand_forecasts with the version.
 * Daily series go to the multi-seasonal forecaster (models/demand/multi-seasonal.ts): per series, harmonic
 * regression with Peru's calendar, its log variant, the recent weekday profile, TSB for sparse itineraries or
 * seasonal naive, chosen on validation windows at the end of its history. `demandStrategy` `ets`, `theta` or
 * `nbeats`, or `demandNeural`, keep the backtested ensemble of models/demand/series-fit.ts instead.
 */
const WEEK = 7;
const PARAMS = MODEL_FAMILIES.demand.params;
const DAY_MS = 86_400_000;

function bySeries(rows: readonly DemandObservation[]): Map<string, DemandObservation[]> {
  const out = new Map<string, DemandObservation[]>();
  for (const row of rows) out.set(row.series_id, [...(out.get(row.series_id) ?? []), row]);
  return out;
}

export const trainDemandStep: Step = {
  name: 'train-demand',
  description: 'Daily demand forecaster per destination (bookings, travellers) vs seasonal naive on held-out months; next 365 days written',
  reads: ['ch:demand_series'],
  writes: ['model:demand', 'ch:demand_forecasts'],
  after: ['build-features'],
  heavy: true,
  async run(ctx) {
    const client = ctx.clickhouse;
    const params = {
      seed: seedParam(ctx),
      workers: runParam(ctx, PARAMS.workers),
      neural: runParam(ctx, PARAMS.neural),
      origins: runParam(ctx, PARAMS.origins),
      seasonalOrigins: runParam(ctx, PARAMS.seasonalOrigins),
      strategy: runParam(ctx, PARAMS.strategy),
    };
    const forecastDays = runParam(ctx, PARAMS.forecastDays);
    const build = await latestFeatureBuild(client, 'demand_series');
    const window = holdoutWindow('demand', build.asOf, runParam(ctx, PARAMS.holdoutMonths), 'daily-destinations');
    const horizon = Math.round((window.to.getTime() - window.from.getTime()) / DAY_MS);

    const rows = await readDemandSeries(client, 'daily');
    const series = bySeries(rows);
    const from = window.from.toISOString().slice(0, 10);
    const to = window.to.toISOString().slice(0, 10);
    const trainRows: DemandObservation[] = [];
    const actual = new Map<string, number[]>();
    for (const [id, points] of series) {
      const before = points.filter((p) => String(p.date) < from);
      const during = points.filter((p) => String(p.date) >= from && String(p.date) < to);
      // Scored only where the series has a few weeks of history and the whole window.
      if (before.length >= 4 * WEEK && during.length === horizon) {
        trainRows.push(...before);
        actual.set(id, during.map((p) => p.value));
      }
    }
    if (actual.size === 0) throw new InputError(`demand: no daily series has four weeks of history before ${window.id} and the whole window`, 'demand_series');

    const trial = await new DemandForecaster(params).fit({ rows: trainRows, frequency: 'daily', horizon });
    const scores = { mase: [] as number[], naive: [] as number[], smape: [] as number[], cover80: [] as number[], cover95: [] as number[] };
    for (const [id, values] of actual) {
      const history = trainRows.filter((r) => r.series_id === id).map((r) => r.value);
      const scale = seasonalNaiveScale(history, WEEK);
      const [forecast, naive] = trial.predict([
        { seriesId: id, horizon },
        { seriesId: id, horizon, strategy: 'seasonal_naive' },
      ]);
      const m = mase(values, forecast.mean, scale);
      if (!Number.isFinite(m)) continue;
      scores.mase.push(m);
      scores.naive.push(mase(values, naive.mean, scale));
      scores.smape.push(smape(values, forecast.mean));
      const c = coverage(values, forecast);
      scores.cover80.push(c.cover80);
      scores.cover95.push(c.cover95);
    }
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);

    // A destination first booked a few days ago has too little history to forecast yet.
    const fitRows = rows.filter((r) => series.get(r.series_id)!.length >= 4 * WEEK);
    const model = await new DemandForecaster(params).fit({ rows: fitRows, frequency: 'daily', horizon });
    const metrics = {
      mase: mean(scores.mase),
      seasonal_naive_mase: mean(scores.naive),
      smape: mean(scores.smape),
      coverage80: mean(scores.cover80),
      coverage95: mean(scores.cover95),
      series_scored: scores.mase.length,
      series: model.seriesIds.length,
      horizon_days: horizon,
    };
    const firstDay = fitRows.reduce((m, r) => (String(r.date) < m ? String(r.date) : m), '9999-12-31');
    const version = await ctx.registry.register({
      artifact: model.toArtifact(),
      dataWindow: { from: firstDay, to: build.asOf },
      featuresVersion: DEMAND_SERIES_VERSION,
      // Serving checks the loaded artefact reproduces these forecasts before the version serves.
      fingerprint: demandFingerprint(model, DEMAND_SERIES_VERSION),
      metrics,
      holdoutId: window.id,
      compress: true,
    });
    const ids = model.seriesIds;
    const forecasts = model.predict(ids.map((seriesId) => ({ seriesId, horizon: forecastDays }))).map((f, i) => {
      const id = ids[i];
      const [, code, measure] = id.split('/');
      return f.dates.map((date, h) => ({ series_id: id, entity_code: code, measure, date, mean: f.mean[h], lo80: f.lo80[h], hi80: f.hi80[h], lo95: f.lo95[h], hi95: f.hi95[h] }));
    });
    const batch = await writeBatch(client, 'demand_forecasts', version.version, ctx.runId, forecasts, await ctx.registry.aliases('demand'));
    return {
      outputs: {
        version: version.version,
        holdout: window.id,
        series: model.seriesIds.length,
        mase: Number(metrics.mase.toFixed(3)),
        seasonalNaiveMase: Number(metrics.seasonal_naive_mase.toFixed(3)),
        coverage80: Number(metrics.coverage80.toFixed(3)),
        strategy: params.strategy,
        forecastRows: batch.rows,
      },
    };
  },
};
