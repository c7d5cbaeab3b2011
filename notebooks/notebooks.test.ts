import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import type { ClickHouseClient } from '@clickhouse/client';
import { chromium, type Browser } from 'playwright-core';
import { writeWarehouseWorld } from '../test/worlds/warehouse-world.ts';
import { AnalystWarehouse, CLI_LIMITS, runAnalystQuery } from '../platform/analyst-sql/index.ts';
import { refreshMarts } from '../pipelines/warehouse/marts.ts';
import { migrateWarehouse, WAREHOUSE_MIGRATIONS_DIR } from '../pipelines/warehouse/migrate.ts';
import { quietLog, requireServices, tempDir, testClickHouse, testConfig, useClickHouseDatabase } from '../test/support/services.ts';
import { parseNotebook, type Cell } from './engine/parse-notebook.ts';
import { runNotebook, type NotebookReport, type RunQuery } from './engine/run-notebook.ts';

/**
 * Every starter notebook renders on a sample world (written into the warehouse, with past forecasts,
 * recommendations and review decisions so that every mart has rows): each chart is an SVG with marks drawn and its
 * axes titled, month and weekday names are names, the seasonal index leaves partial and future months out, every
 * query goes through the analyst guard, and one report is looked at in headless Chromium.
 */
const NOTEBOOKS = path.dirname(new URL(import.meta.url).pathname);
const files = fs.readdirSync(NOTEBOOKS).filter((f) => f.endsWith('.md') && f !== 'README.md').sort();
const CHROMIUM = '/usr/bin/chromium';
const chromiumSkip = fs.existsSync(CHROMIUM) ? undefined : `Chromium is not installed at ${CHROMIUM}; skipping the report screenshot`;
if (chromiumSkip && requireServices) throw new Error(`${chromiumSkip}, and REQUIRE_SERVICES=1 needs it`);

let ch: ClickHouseClient;
let runQuery: RunQuery;
const reports = new Map<string, NotebookReport>();
const DAY = 86_400_000;
const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** The groups of drawn marks in a Vega SVG, with what is inside each. */
function markGroups(svg: string): Array<{ type: string; inner: string }> {
  return [...svg.matchAll(/<g class="mark-(\w+) role-mark[^"]*"[^>]*>([\s\S]*?)<\/g>/g)].map((m) => ({ type: m[1], inner: m[2] }));
}

function axisTitles(svg: string): string[] {
  return [...svg.matchAll(/role-axis-title"[^>]*>\s*<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);
}

async function seasonalIndex(): Promise<Array<Record<string, unknown>>> {
  const cell = parseNotebook(fs.readFileSync(path.join(NOTEBOOKS, 'seasonality.md'), 'utf8')).cells.find((c): c is Extract<Cell, { kind: 'sql' }> => c.kind === 'sql' && c.name === 'seasonal_index')!;
  const result = await runQuery({ sql: cell.sql, params: {}, format: 'json' });
  if (result.format !== 'json') throw new Error('json expected');
  return result.rows.map((r) => Object.fromEntries(result.columns.map((c, i) => [c.name, r[i]])));
}

describe('starter notebooks on a sample world', () => {
  before(async () => {
    ch = (await testClickHouse()).client;
    await useClickHouseDatabase(ch, 'notebooks_world');
    await migrateWarehouse(ch, quietLog);
    const today = new Date().toISOString().slice(0, 10);
    await writeWarehouseWorld(ch, { customers: 300, years: 3, seed: 7, endDate: today });
    const now = Date.parse(`${today}T00:00:00Z`);
    // A demand model generated 60 days ago: its daily forecasts of the 59 days since, against what was booked.
    await ch.command({
      query: `INSERT INTO demand_forecasts (model_version, series_id, entity_code, measure, date, mean, lo80, hi80, lo95, hi95, generated_at)
              SELECT 'demand-000001', concat('destination/', code, '/travellers'), code, 'travellers', toDate('${isoDay(now - 60 * DAY)}') + 1 + number,
                     3, 1, 6, 0, 9, toDateTime64('${isoDay(now - 60 * DAY)} 00:00:00', 3, 'UTC')
              FROM destinations_latest CROSS JOIN (SELECT arrayJoin(range(59)) AS number) AS days`,
    });
    // A recommender batch of 200 days ago: each customer's two most booked itineraries before it.
    await ch.command({
      query: `INSERT INTO customer_recommendations (model_version, customer_id, rank, itinerary_id, score, generated_at)
              SELECT 'recommender-000001', customer_id, toUInt8(rank), itinerary_id, 1 / rank, toDateTime64('${isoDay(now - 200 * DAY)} 00:00:00', 3, 'UTC')
              FROM (SELECT customer_id, itinerary_id, row_number() OVER (PARTITION BY customer_id ORDER BY count() DESC, itinerary_id) AS rank
                    FROM bookings_latest WHERE customer_id IS NOT NULL AND itinerary_id IS NOT NULL GROUP BY customer_id, itinerary_id)
              WHERE rank <= 2`,
    });
    await ch.command({
      query: `INSERT INTO suggestion_decisions (id, suggestion_id, action, decided_price, reason, decided_by, decided_by_role, auto_accept_band_id, resulting_version, quotation_id, destination_id, service_level, departure_date, party_size, cost_total, current_price, suggested_price, lo80, hi80, guardrail, model_version, feature_snapshot_id, features, decided_at)
              SELECT number + 1, number + 1, ['accept', 'override', 'reject', 'auto_accept'][1 + number % 4], 950, NULL, ['ana', 'luis', 'band'][1 + number % 3], 'pricing-manager', NULL, NULL, number + 1, 1, 'superior', '2025-01-01', 2, 700, 1000, 1000, 900, 1100, NULL,
                     ['price-000001', 'price-000002'][1 + intDiv(number, 20)], NULL, '{}', toDateTime64('${isoDay(now - 30 * DAY)} 10:00:00', 6, 'UTC') + number * 3600
              FROM system.numbers LIMIT 40`,
    });
    await refreshMarts(ch);
    const warehouse = new AnalystWarehouse(testConfig(), ch);
    runQuery = (query) => runAnalystQuery(warehouse, { ...query, limits: CLI_LIMITS });
  });

  it('are there: one per mart and the three of the old .sql notebooks', () => {
    assert.deepEqual(files, [
      'booking-pace.md',
      'destinations-daily.md',
      'forecast-accuracy.md',
      'pricing.md',
      'recommendations.md',
      'revenue-and-margin.md',
      'sales-funnel.md',
      'seasonality.md',
      'suggestion-acceptance.md',
    ]);
  });

  it('read ReplacingMergeTree tables only through FINAL or their _latest view', () => {
    const replacing = new Set<string>();
    for (const file of fs.readdirSync(WAREHOUSE_MIGRATIONS_DIR).filter((f) => f.endsWith('.sql'))) {
      for (const m of fs.readFileSync(path.join(WAREHOUSE_MIGRATIONS_DIR, file), 'utf8').matchAll(/CREATE TABLE IF NOT EXISTS (\w+)\s*\(([\s\S]*?)\)\s*ENGINE\s*=\s*ReplacingMergeTree/g)) replacing.add(m[1]);
    }
    assert.ok(replacing.has('bookings') && replacing.has('quotations'));
    for (const file of files) {
      for (const cell of parseNotebook(fs.readFileSync(path.join(NOTEBOOKS, file), 'utf8')).cells) {
        if (cell.kind !== 'sql') continue;
        for (const m of cell.sql.matchAll(/\b(?:FROM|JOIN)\s+(\w+)(\s+(?:AS\s+\w+\s+)?FINAL\b)?/gi)) {
          if (replacing.has(m[1]) && !m[2]) assert.fail(`${file} (${cell.name}) reads ${m[1]} without FINAL; use ${m[1]}_latest`);
        }
      }
    }
  });

  for (const file of files) {
    it(`renders ${file}: every chart drawn, its axes titled`, async () => {
      const notebook = parseNotebook(fs.readFileSync(path.join(NOTEBOOKS, file), 'utf8'), file);
      const report = await runNotebook(notebook, {}, runQuery);
      reports.set(file, report);
      const charts = report.sections.filter((s) => s.kind === 'chart');
      assert.equal(charts.length, notebook.cells.filter((c) => c.kind === 'chart').length);
      assert.ok(charts.length >= 1);
      for (const chart of charts) {
        const cell = /data-cell="([^"]+)"/.exec(chart.html)![1];
        const marks = markGroups(chart.html).filter((g) => /<path[^>]*\bd="M/.test(g.inner));
        assert.ok(marks.length > 0, `${file}: the chart of ${cell} draws marks`);
        const titles = axisTitles(chart.html);
        assert.ok(titles.length >= 2 && titles.every((t) => t.trim() !== ''), `${file}: the chart of ${cell} has titled axes (${JSON.stringify(titles)})`);
      }
      assert.doesNotMatch(report.html, /<script|https?:\/\/(?!www\.w3\.org)/, 'self-contained: no script, nothing fetched');
    });
  }

  it("draws a chart from its SQL cell's rows only: a layer's own data from a file or a URL is refused, nothing read", async () => {
    const secret = path.join(tempDir('notebook-file'), 'not-for-the-report.csv');
    fs.writeFileSync(secret, 'line\nsk_live_do_not_print\n');
    for (const url of [`file://${secret}`, secret, 'http://127.0.0.1:9/x.csv']) {
      const notebook = parseNotebook(
        ['---', 'title: A chart that reaches out', '---', '```sql n', 'SELECT 1 AS x', '```', '```vega-lite n',
          JSON.stringify({ layer: [{ mark: 'point', encoding: { x: { field: 'x', type: 'quantitative' } } }, { mark: 'text', data: { url, format: { type: 'csv' } }, encoding: { text: { field: 'line' } } }] }),
          '```'].join('\n'),
        'reaching.md',
      );
      await assert.rejects(runNotebook(notebook, {}, runQuery), (err: Error & { field?: string }) => {
        assert.match(err.message, /chart of sql cell n: a chart draws its SQL cell's rows only; it may not load/);
        assert.equal(err.field, 'spec');
        return true;
      }, url);
    }
  });

  it('names months and weekdays', () => {
    const seasonality = reports.get('seasonality.md')!.html;
    for (const name of ['Jan', 'Jun', 'Dec', 'Mon', 'Sun']) assert.match(seasonality, new RegExp(`>${name}<`));
  });

  it('leaves partial and future months out of the seasonal index', async () => {
    const before = await seasonalIndex();
    assert.ok(before.length > 0 && before.every((r) => Number(r.months_averaged) >= 1));
    // A large party booked today for next month, and one travelling this month: neither month is complete.
    const now = Date.now();
    const nextMonth = new Date(now);
    nextMonth.setUTCMonth(nextMonth.getUTCMonth() + 1, 15);
    await ch.command({
      query: `INSERT INTO bookings (id, customer_id, itinerary_id, destination_id, departure_date, party_size, status, channel, total_price, total_cost, currency, booked_at, source, created_at, updated_at)
              VALUES (900001, 1, NULL, 1, '${isoDay(nextMonth.getTime())}', 500, 'confirmed', 'web', 1000, 700, 'USD', now64(), 'web', now64(), now64()),
                     (900002, 1, NULL, 1, '${isoDay(now)}', 400, 'confirmed', 'web', 1000, 700, 'USD', now64(), 'web', now64(), now64())`,
    });
    await refreshMarts(ch);
    assert.deepEqual(await seasonalIndex(), before);
  });

  it('looks right in headless Chromium: every chart laid out, nothing failing', { skip: chromiumSkip }, async () => {
    const report = reports.get('seasonality.md')!;
    const dir = tempDir('notebook-report');
    const file = path.join(dir, 'seasonality.html');
    fs.writeFileSync(file, report.html);
    let browser: Browser | undefined;
    try {
      browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'] });
      const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
      const problems: string[] = [];
      page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
      page.on('requestfailed', (r) => problems.push(`request ${r.url()}`));
      await page.goto(`file://${file}`);
      assert.equal(await page.title(), report.title);
      const boxes = await page.$$eval('figure.chart svg', (svgs) => svgs.map((s) => s.getBoundingClientRect()).map((r) => ({ width: r.width, height: r.height })));
      assert.equal(boxes.length, 3);
      for (const box of boxes) assert.ok(box.width > 300 && box.height > 150, `a chart is laid out (${box.width}×${box.height})`);
      const heatmapCells = await page.$$eval('figure.chart svg g.mark-rect path', (paths) => paths.filter((p) => p.getBoundingClientRect().width > 5).length);
      assert.ok(heatmapCells >= 12, `the seasonal index heatmap shows its cells (${heatmapCells})`);
      const png = await page.screenshot({ fullPage: true, path: path.join(dir, 'seasonality.png') });
      assert.ok(png.length > 20_000, `a screenshot with content (${png.length} bytes)`);
      assert.deepEqual(problems, []);
    } finally {
      await browser?.close();
    }
  });
});
