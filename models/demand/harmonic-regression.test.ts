import { test } from 'node:test';
import assert from 'node:assert/strict';
import { easterDay, eventDays } from '../../platform/calendar/calendar-events.ts';
import { fitHarmonic, harmonicForecast } from './harmonic-regression.ts';
import { PERU_CALENDAR } from '../../platform/calendar/peru-calendar.ts';
import { dailySeries, dailyTruth } from './synthetic-demand.ts';

const DAY_MS = 86_400_000;
const day = (iso: string) => Date.parse(`${iso}T00:00:00Z`) / DAY_MS;

test('Easter Sunday matches published dates, so Semana Santa and Corpus Christi move with it', () => {
  assert.equal(easterDay(2024), day('2024-03-31'));
  assert.equal(easterDay(2025), day('2025-04-20'));
  assert.equal(easterDay(2026), day('2026-04-05'));
  const corpus = eventDays(PERU_CALENDAR.find((e) => e.name === 'corpus_christi_cusco')!, 2025, 2025);
  assert.ok(corpus(day('2025-06-19')), 'Corpus Christi 2025 is Thursday 19 June');
  const inti = eventDays(PERU_CALENDAR.find((e) => e.name === 'inti_raymi')!, 2025, 2025);
  assert.ok(inti(day('2025-06-24')) && !inti(day('2025-06-27')));
  const summer = eventDays(PERU_CALENDAR.find((e) => e.name === 'school_summer_peru')!, 2025, 2026);
  assert.ok(summer(day('2026-01-15')) && !summer(day('2025-05-15')), 'school summer wraps over New Year');
});

test('daily demand: trend, weekly and yearly cycles and the Semana Santa spike are recovered within 6%', () => {
  const pattern = { start: '2021-01-01', level: 200, trendPerDay: 0.05, weekendLift: 40, yearlyAmplitude: 50, semanaSantaSpike: 80 };
  const days = 3 * 365 + 60;
  const y = dailySeries({ ...pattern, days, noiseSd: 8, seed: 11 });
  const state = fitHarmonic(y, 'daily', pattern.start, [7, 365.25]);
  assert.ok(state.events.includes('semana_santa'));
  const horizon = 150; // through Semana Santa 2024 (Easter 31 March)
  const f = harmonicForecast(state, horizon);
  let worst = 0;
  for (let h = 0; h < horizon; h++) {
    const truth = dailyTruth(pattern, days + h);
    worst = Math.max(worst, Math.abs(f.mean[h] - truth) / truth);
  }
  assert.ok(worst < 0.06, `worst relative error ${worst.toFixed(3)}`);
  const easter = easterDay(2024) - day(pattern.start) - days;
  const lift = f.mean[easter - 1] - (f.mean[easter - 8] + f.mean[easter + 6]) / 2;
  assert.ok(Math.abs(lift - 80) < 25, `Semana Santa lift ${lift.toFixed(1)}, generated 80 (Good Friday vs a week either side)`);
});

test('harmonic intervals cover about their share on generated daily data', () => {
  const pattern = { start: '2022-03-01', level: 120, trendPerDay: 0, weekendLift: 20, yearlyAmplitude: 20, semanaSantaSpike: 0 };
  let in80 = 0;
  let in95 = 0;
  let total = 0;
  for (let s = 0; s < 6; s++) {
    const y = dailySeries({ ...pattern, days: 800, noiseSd: 10, seed: 40 + s });
    const f = harmonicForecast(fitHarmonic(y.subarray(0, 760), 'daily', pattern.start, [7, 365.25]), 40);
    for (let h = 0; h < 40; h++) {
      if (y[760 + h] >= f.lo80[h] && y[760 + h] <= f.hi80[h]) in80++;
      if (y[760 + h] >= f.lo95[h] && y[760 + h] <= f.hi95[h]) in95++;
      total++;
    }
  }
  assert.ok(in80 / total > 0.7 && in80 / total < 0.92, `80%: ${in80 / total}`);
  assert.ok(in95 / total > 0.88, `95%: ${in95 / total}`);
});
