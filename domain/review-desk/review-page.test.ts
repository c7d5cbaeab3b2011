import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { FastifyInstance } from 'fastify';
import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import { migrate } from '../migrate.ts';
import { seedSampleCatalogue, type SampleCatalogue } from '../../test/worlds/sample-catalogue.ts';
import { unreachableScorer } from '../../test/support/unreachable-scorer.ts';
import { quotationWithSuggestion } from '../../test/support/suggestion-fixture.ts';
import { ModelRegistry } from '../../models/registry/model-registry.ts';
import { migrateWarehouse } from '../../pipelines/warehouse/migrate.ts';
import { ingest } from '../../pipelines/ingest/ingest.ts';
import type { ClickHouseClient } from '@clickhouse/client';
import { embeddedPostgresUrl, freshDatabase, quietLog, requireServices, tempDir, testClickHouse, testConfig, useClickHouseDatabase, type TestDatabase } from '../../test/support/services.ts';
import { buildApp } from '../../serving/app.ts';
import { createApiKey } from '../../serving/auth/api-keys.ts';
import { reviewPage } from './review-page.ts';
import { reviewDesk } from './review-routes.ts';

/**
 * The review page end to end in headless Chromium (Debian's package, driven by playwright-core): sign in with a
 * key, see the queue, open a suggestion with the keyboard, override it with a reason, and find the decision in
 * PostgreSQL. A screenshot is kept in test-artifacts/ (or TEST_ARTIFACTS_DIR).
 */
const CHROMIUM = '/usr/bin/chromium';
const chromiumSkip = fs.existsSync(CHROMIUM) ? undefined : `Chromium is not installed at ${CHROMIUM} (apt-get install -y chromium); skipping the review page's browser test`;
if (chromiumSkip) {
  if (requireServices) throw new Error(`${chromiumSkip.split(';')[0]}, and REQUIRE_SERVICES=1 needs it`);
  process.stderr.write(`# ${chromiumSkip}\n`);
}
const ARTIFACTS = process.env.TEST_ARTIFACTS_DIR ?? path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'test-artifacts');

describe('review page in headless Chromium', { skip: chromiumSkip }, () => {
  let db: TestDatabase;
  let app: FastifyInstance;
  let browser: Browser;
  let page: Page;
  let base: string;
  let catalogue: SampleCatalogue;
  const keys = { manager: '', engine: '' };
  let target: { id: number; quotationId: number };
  let cheap: { id: number; quotationId: number };
  let clickhouse: ClickHouseClient;
  let scorer: Awaited<ReturnType<typeof unreachableScorer>>;
  let machuPicchu: { itineraryId: number; customerId: number; departureDate: string };
  const problems: string[] = [];

  /**
   * A page in a browser context of its own (its own session storage, locale and time zone), signed in as the
   * manager; script errors count as problems, and so do failed requests except those `expected` matches.
   */
  async function signedIn(options: BrowserContextOptions = {}, expected = /status of 40[13]/, prepare?: (page: Page) => Promise<void>): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 }, ...options });
    const other = await context.newPage();
    await prepare?.(other);
    other.setDefaultTimeout(10_000);
    other.on('pageerror', (err) => problems.push(err.message));
    other.on('console', (message) => {
      if (message.type() === 'error' && !expected.test(message.text())) problems.push(message.text());
    });
    await other.goto(`${base}/review`);
    await other.getByLabel('API key').fill(keys.manager);
    await other.keyboard.press('Enter');
    await other.locator('#who').waitFor();
    return other;
  }
  const openSuggestion = async (on: Page, id: number) => {
    const loaded = on.waitForResponse((r) => r.url().endsWith(`/v1/review/suggestions/${id}`));
    await on.locator(`#queue-rows tr[data-id="${id}"]`).click();
    await loaded;
    await on.locator('#detail:not([aria-busy])').waitFor();
  };
  const decisionsOf = async (id: number) => (await db.pool.query('SELECT count(*)::int AS n FROM suggestion_decisions WHERE suggestion_id = $1', [id])).rows[0].n;

  before(async () => {
    db = await freshDatabase(await embeddedPostgresUrl(), 'review_page');
    await migrate(db.pool, quietLog);
    catalogue = await seedSampleCatalogue(db.pool);
    scorer = await unreachableScorer();
    const mp = { itineraryId: catalogue.itineraries.machuPicchu, customerId: catalogue.customers.english, departureDate: catalogue.departureDates.machuPicchu };
    machuPicchu = mp;
    const tt = { itineraryId: catalogue.itineraries.titicaca, customerId: catalogue.customers.german, departureDate: catalogue.departureDates.titicaca };
    await quotationWithSuggestion(db.pool, scorer, { ...mp, ratio: 1.06 });
    const guarded = await quotationWithSuggestion(db.pool, scorer, { ...mp, ratio: 1.25, partySize: 4, guardrail: 'max_change' });
    const titicaca = await quotationWithSuggestion(db.pool, scorer, { ...tt, ratio: 0.9 });
    target = { id: guarded.suggestion.id, quotationId: guarded.quotationId };
    cheap = { id: titicaca.suggestion.id, quotationId: titicaca.quotationId };

    clickhouse = (await testClickHouse()).client;
    await useClickHouseDatabase(clickhouse, 'review_page');
    await migrateWarehouse(clickhouse, quietLog);
    app = await buildApp({
      config: testConfig(),
      log: quietLog,
      pg: db.pool,
      clickhouse,
      registry: ModelRegistry.open(pathToFileURL(tempDir('registry')).href),
      settings: { modelPollMs: 0 },
      plugins: [reviewDesk({ pool: db.pool, clickhouse }), reviewPage()],
    });
    base = await app.listen({ host: '127.0.0.1', port: 0 });
    keys.manager = (await createApiKey(db.pool, { name: 'Rosa Mamani', role: 'pricing-manager' })).key;
    keys.engine = (await createApiKey(db.pool, { name: 'quotation engine', role: 'quotation-engine' })).key;

    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'],
    });
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    page.on('pageerror', (err) => problems.push(err.message));
    page.on('console', (message) => {
      if (message.type() === 'error' && !/status of 40[13]/.test(message.text())) problems.push(message.text());
    });
    after(() => assert.deepEqual(problems, [], 'the page logged no script errors'));
  });
  after(async () => {
    await browser?.close();
    await app?.close();
    await db?.drop();
  });

  it('refuses a wrong key and a key without the pricing-manager role, saying why', async () => {
    await page.goto(`${base}/review`);
    await page.getByLabel('API key').fill('spk_' + 'n'.repeat(43));
    await page.keyboard.press('Enter');
    await page.getByRole('alert').filter({ hasText: 'not valid' }).waitFor();
    await page.getByLabel('API key').fill(keys.engine);
    await page.keyboard.press('Enter');
    await page.getByRole('alert').filter({ hasText: 'cannot review prices' }).waitFor();
    assert.equal(await page.locator('#desk').isHidden(), true);
  });

  it('signs in, shows the queue, and records an override made with the keyboard', async () => {
    await page.getByLabel('API key').fill(keys.manager);
    await page.keyboard.press('Enter');
    await page.locator('#queue-rows tr').first().waitFor();
    assert.equal(await page.locator('#queue-rows tr').count(), 3);
    assert.match((await page.locator('#who-name').textContent())!, /Rosa Mamani \(pricing-manager\)/);
    const firstRow = await page.locator('#queue-rows tr').first().innerText();
    assert.match(firstRow, /Machu Picchu in 4 days/);
    assert.match(firstRow, /\$[\d,]+/);

    // Move to the suggestion with the guardrail using the arrow keys only, and open it.
    const ids: number[] = [];
    for (const row of await page.locator('#queue-rows tr').all()) ids.push(Number(await row.getAttribute('data-id')));
    const steps = ids.indexOf(target.id);
    assert.ok(steps >= 0);
    for (let i = 0; i < steps; i++) await page.keyboard.press('ArrowDown');
    assert.equal(await page.evaluate('document.activeElement.dataset.id'), String(target.id));
    await page.keyboard.press('Enter');
    await page.locator('#detail-title').filter({ hasText: 'Machu Picchu' }).waitFor();
    assert.equal(await page.locator('#contributions li').count(), 2, 'a bar per reason code');
    assert.match((await page.locator('#d-guardrail').innerText())!, /Max change/);
    assert.match((await page.locator('#d-limits').innerText())!, /Guardrails: floor \$[\d,]+ · no ceiling · list price band \$[\d,]+–\$[\d,]+ — the default rule \(rule 1, guardrails version 1\)/);
    assert.match((await page.locator('#d-demand').innerText())!, /load factor 82%.*pace 1.15×/);

    await page.keyboard.press('o');
    assert.equal(await page.evaluate('document.activeElement?.id'), 'override-price');
    await page.keyboard.type('2345.67');
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate('document.activeElement?.id'), 'reason');
    // Enter without a reason is refused by the page before it reaches the API.
    await page.keyboard.press('Enter');
    await page.locator('#decision-error').filter({ hasText: 'Say why' }).waitFor();
    await page.keyboard.type('matched the competitor for a group of four');
    await page.keyboard.press('Enter');
    await page.locator('#detail-status').filter({ hasText: 'Overridden' }).waitFor();
    assert.equal(await page.locator('#queue-rows tr').count(), 2, 'the decided suggestion left the queue');

    const { rows } = await db.pool.query(
      `SELECT d.action, d.decided_price::float8 AS price, d.reason, d.decided_by, s.state::text AS state, q.price_total::float8 AS quotation_price
         FROM suggestion_decisions d JOIN price_suggestions s ON s.id = d.suggestion_id JOIN quotations q ON q.id = d.quotation_id
        WHERE d.suggestion_id = $1`,
      [target.id],
    );
    assert.equal(rows.length, 1);
    assert.equal(rows[0].action, 'override');
    assert.equal(rows[0].price, 2345.67);
    assert.equal(rows[0].reason, 'matched the competitor for a group of four');
    assert.match(rows[0].decided_by, /^Rosa Mamani \(api-key \d+\)$/);
    assert.equal(rows[0].state, 'overridden');
    assert.equal(rows[0].quotation_price, 2345.67);

    fs.mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: path.join(ARTIFACTS, 'review-page.png'), fullPage: true });
  });

  it('warns as a price under the floor or cost is typed, refuses it until confirmed, and never rounds', async () => {
    await page.locator(`#queue-rows tr[data-id="${cheap.id}"]`).click();
    await page.locator('#detail-title').filter({ hasText: 'Titicaca' }).waitFor();
    const { rows: [s] } = await db.pool.query(`SELECT cost_total::float8 AS cost, (guardrails->>'floor')::float8 AS floor FROM price_suggestions WHERE id = $1`, [cheap.id]);
    const warning = page.locator('#price-warning');
    await page.keyboard.press('o');
    assert.equal(await warning.isHidden(), true, 'the suggested price needs no warning');

    // Between cost and floor: the warning names the floor as the digits are typed, before anything is sent.
    const between = (Math.round((s.cost + s.floor) * 50) / 100).toFixed(2);
    await page.locator('#override-price').fill('');
    await page.keyboard.type(between);
    await warning.filter({ hasText: 'below the guardrail floor' }).waitFor();
    // Below cost: the warning says so while typing.
    await page.locator('#override-price').fill('');
    await page.keyboard.type('100');
    await warning.filter({ hasText: 'below our cost' }).waitFor();
    assert.equal(await page.locator('#confirm-price-field').isVisible(), true);
    await page.locator('#reason').fill('staff trip');
    await page.locator('#reason').press('Enter');
    await page.locator('#decision-error').filter({ hasText: 'Charge it anyway' }).waitFor();
    const decided = async () => (await db.pool.query('SELECT count(*)::int AS n FROM suggestion_decisions WHERE suggestion_id = $1', [cheap.id])).rows[0].n;
    assert.equal(await decided(), 0, 'refused by the page until confirmed');

    // Three decimals are refused, not rounded.
    await page.locator('#override-price').fill('');
    await page.locator('#override-price').pressSequentially('4567.891');
    await warning.filter({ hasText: 'two decimals' }).waitFor();
    await page.locator('#reason').press('Enter');
    await page.locator('#decision-error').filter({ hasText: 'two decimals' }).waitFor();
    assert.equal(await decided(), 0);

    await page.locator('#override-price').fill('');
    await page.locator('#override-price').pressSequentially('100');
    await page.locator('#confirm-price').check();
    // A tick confirms the warning it was given for: the price changed to one far above, it is asked again (the tick
    // stayed, and the page sent confirmAboveCeiling that nobody gave).
    await page.locator('#override-price').fill('999999');
    await warning.filter({ hasText: 'above the highest expected price' }).waitFor();
    assert.equal(await page.locator('#confirm-price').isChecked(), false, 'the tick was for the price below cost');
    await page.locator('#reason').press('Enter');
    await page.locator('#decision-error').filter({ hasText: 'Charge it anyway' }).waitFor();
    assert.equal(await decided(), 0);
    await page.locator('#override-price').fill('100');
    await page.locator('#confirm-price').check();
    await page.locator('#reason').press('Enter');
    await page.locator('#detail-status').filter({ hasText: 'Overridden' }).waitFor();
    await page.locator('#decided').filter({ hasText: 'below cost, confirmed' }).waitFor();
    assert.match((await page.locator('#decided').innerText())!, / on \d{1,2} [A-Z][a-z]{2} \d{4}, \d{2}:\d{2} \(Lima\) at /, 'decision times read like departure days, in Lima');
    const { rows } = await db.pool.query('SELECT decided_price::float8 AS price, below_guardrail, reason FROM suggestion_decisions WHERE suggestion_id = $1', [cheap.id]);
    assert.deepEqual(rows, [{ price: 100, below_guardrail: 'cost', reason: 'staff trip' }]);
  });

  it('keeps the suggested price on screen on a phone', async () => {
    await page.keyboard.press('Escape');
    await page.setViewportSize({ width: 420, height: 800 });
    try {
      const suggested = page.locator('#queue thead th').nth(4);
      assert.equal(await suggested.innerText(), 'Suggested');
      const box = (await suggested.boundingBox())!;
      assert.ok(box.x + box.width <= 420, `the Suggested column ends at ${box.x + box.width} px`);
      const cell = (await page.locator('#queue-rows tr').first().locator('td').nth(4).boundingBox())!;
      assert.ok(cell.x + cell.width <= 420, `the suggested price ends at ${cell.x + cell.width} px`);
    } finally {
      await page.setViewportSize({ width: 1400, height: 900 });
    }
  });

  it('does not repeat the role when the key is named after it', async () => {
    const named = (await createApiKey(db.pool, { name: 'npm start (pricing-manager)', role: 'pricing-manager' })).key;
    const other = await browser.newPage({ viewport: { width: 1200, height: 800 } });
    try {
      await other.goto(`${base}/review`);
      await other.getByLabel('API key').fill(named);
      await other.keyboard.press('Enter');
      await other.locator('#queue-rows tr').first().waitFor();
      assert.equal(await other.locator('#who-name').textContent(), 'npm start (pricing-manager)');
    } finally {
      await other.close();
    }
  });

  it('says so when no suggestion matches the filters', async () => {
    await page.locator('#f-from').fill('2000-01-01');
    await page.locator('#f-to').fill('2000-01-31');
    await page.keyboard.press('Enter');
    await page.getByRole('status').filter({ hasText: 'Nothing to review' }).waitFor();
    assert.equal(await page.locator('#queue').isHidden(), true);
  });

  it('shows acceptance per model version and per manager once the scheduled ingest has copied the decisions', async () => {
    await page.locator('#acceptance-period').selectOption('');
    await page.locator('#acceptance-status').filter({ hasText: 'No decisions in this period yet' }).waitFor();
    assert.equal(await page.locator('#acceptance-models').isHidden(), true, 'nothing counted before the ingest');

    await ingest(db.pool, clickhouse, { log: quietLog, tables: ['suggestion_decisions'] });
    await page.locator('#acceptance-period').selectOption('30');
    await page.locator('#acceptance-models tbody tr').first().waitFor();
    const { rows } = await db.pool.query<{ model_version: string; decided_by: string; decisions: number; accepted: number; overridden: number; rejected: number; avg_override: number | null }>(
      `SELECT model_version, decided_by, count(*)::int AS decisions, count(*) FILTER (WHERE action IN ('accept', 'auto_accept'))::int AS accepted,
              count(*) FILTER (WHERE action = 'override')::int AS overridden, count(*) FILTER (WHERE action = 'reject')::int AS rejected,
              avg((decided_price - suggested_price) / suggested_price) FILTER (WHERE action = 'override')::float8 AS avg_override
         FROM suggestion_decisions GROUP BY 1, 2`,
    );
    assert.ok(rows.length > 0, 'the earlier tests decided something');
    const cells = async (table: string) =>
      Promise.all((await page.locator(`${table} tbody tr`).all()).map(async (row) => (await row.locator('td').allInnerTexts()).map((text) => text.replace(/\s+/g, ' ').trim())));
    const models = await cells('#acceptance-models');
    const managers = await cells('#acceptance-managers');
    const percent = (n: number) => `${n < 0 ? '−' : n > 0 ? '+' : '±'}${Math.abs(n * 100).toFixed(1)}%`;
    for (const r of rows) {
      const expected = [String(r.decisions), String(r.accepted), String(r.overridden), String(r.rejected), `${((r.accepted / r.decisions) * 100).toFixed(1)}%`, r.avg_override === null ? '—' : percent(r.avg_override)];
      assert.deepEqual(models.find((c) => c[0] === r.model_version)?.slice(1), expected, `model ${r.model_version}`);
      const manager = managers.find((c) => c[0].startsWith(r.decided_by));
      assert.deepEqual(manager?.slice(1), expected, `manager ${r.decided_by}`);
      assert.match(manager![0], /pricing-manager$/, 'the manager’s role is shown under the name');
    }
    assert.match((await page.locator('#acceptance-through').innerText())!, /^Decisions up to .+; later ones count after the next scheduled ingest\.$/);
    await page.locator('#acceptance').screenshot({ path: path.join(ARTIFACTS, 'review-acceptance.png') });
  });
  it('refuses a decimal comma in a Spanish-locale browser, and shows the amount to be charged as it is typed', async () => {
    const { suggestion } = await quotationWithSuggestion(db.pool, scorer, { ...machuPicchu, ratio: 1.1 });
    const spanish = await signedIn({ locale: 'es-PE' });
    try {
      const posts: string[] = [];
      spanish.on('request', (request) => {
        if (request.method() === 'POST') posts.push(request.url());
      });
      await openSuggestion(spanish, suggestion.id);
      await spanish.keyboard.press('o');
      await spanish.keyboard.type('2150,50');
      await spanish.locator('#price-warning').filter({ hasText: 'Write cents with a point and no thousands separators: 2150.50' }).waitFor();
      assert.equal(await spanish.locator('#price-charge').innerText(), '', 'no amount is shown for a price the page cannot read');
      await spanish.locator('#reason').fill('group rate');
      await spanish.locator('#reason').press('Enter');
      await spanish.locator('#decision-error').filter({ hasText: 'Write cents with a point' }).waitFor();
      assert.deepEqual(posts, [], 'nothing was sent');
      assert.equal(await decisionsOf(suggestion.id), 0);

      // Written with a point, the amount reads back as it will be charged, before anything is sent.
      await spanish.locator('#override-price').fill('');
      await spanish.locator('#override-price').pressSequentially('2150.50');
      await spanish.locator('#price-charge').filter({ hasText: 'You will charge $2,150.50' }).waitFor();
    } finally {
      await spanish.context().close();
    }
  });

  it('warns of a price above the highest expected one, and records it only once confirmed', async () => {
    const { suggestion, quotationId } = await quotationWithSuggestion(db.pool, scorer, { ...machuPicchu, ratio: 1.1 });
    const detail = (await app.inject({ url: `/v1/review/suggestions/${suggestion.id}`, headers: { 'x-api-key': keys.manager } })).json();
    assert.ok(detail.highestExpectedPrice > detail.suggestedPrice);
    const above = Math.ceil(detail.highestExpectedPrice) + 1;
    const other = await signedIn();
    try {
      await openSuggestion(other, suggestion.id);
      await other.keyboard.press('o');
      await other.keyboard.type(String(above));
      await other.locator('#price-warning').filter({ hasText: 'above the highest expected price' }).waitFor();
      await other.locator('#confirm-price-label').filter({ hasText: 'Charge it anyway, above the ceiling' }).waitFor();
      await other.locator('#reason').fill('private departure with a chef');
      await other.locator('#reason').press('Enter');
      await other.locator('#decision-error').filter({ hasText: 'Charge it anyway' }).waitFor();
      assert.equal(await decisionsOf(suggestion.id), 0, 'refused by the page until confirmed');

      await other.locator('#confirm-price').check();
      await other.locator('#reason').press('Enter');
      await other.locator('#detail-status').filter({ hasText: 'Overridden' }).waitFor();
      const { rows } = await db.pool.query(
        `SELECT d.decided_price::float8 AS price, v.change_reason FROM suggestion_decisions d JOIN quotation_versions v ON v.quotation_id = d.quotation_id AND v.version = d.resulting_version
          WHERE d.suggestion_id = $1`,
        [suggestion.id],
      );
      assert.equal(rows.length, 1);
      assert.equal(rows[0].price, above);
      // The default rule's list price band is the lowest of the limits here, and the version names it.
      assert.match(rows[0].change_reason, /above the list price band, confirmed: private departure with a chef$/);
      await other.locator('#decided').filter({ hasText: 'above the list price band, confirmed' }).waitFor();
      assert.equal((await db.pool.query('SELECT price_total::float8 AS p FROM quotations WHERE id = $1', [quotationId])).rows[0].p, above);
    } finally {
      await other.context().close();
    }
  });
  it('never puts the API key in the address', async () => {
    const answer = await fetch(`${base}/review?api-key=spk_leaked&lang=es`, { redirect: 'manual' });
    assert.equal(answer.status, 303);
    assert.equal(answer.headers.get('location'), '/review?lang=es', 'the key is dropped, the rest kept');
    assert.equal(answer.headers.get('cache-control'), 'no-store');
    const html = await (await fetch(`${base}/review`)).text();
    const input = html.match(/<input id="api-key"[^>]*>/)![0];
    assert.doesNotMatch(input, /\bname=/, 'a key input without a name is never submitted');

    // Enter pressed before the script has loaded submits nothing; once it has, the key signs in as usual.
    const context = await browser.newContext();
    const early = await context.newPage();
    try {
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      await early.route('**/review/review.js', async (route) => {
        await held;
        await route.continue();
      });
      const requests: string[] = [];
      early.on('request', (request) => requests.push(request.url()));
      await early.goto(`${base}/review`, { waitUntil: 'commit' });
      await early.locator('#api-key').fill(keys.manager);
      await early.locator('#api-key').press('Enter');
      await early.waitForTimeout(500);
      const leaked = () => requests.filter((url) => url.includes(keys.manager) || url.includes('api-key'));
      assert.deepEqual(leaked(), [], 'Enter before the script loaded sent nothing');
      assert.equal(early.url(), `${base}/review`);
      release();
      await early.locator('#sign-in-form button:enabled').waitFor();
      await early.locator('#api-key').press('Enter');
      await early.locator('#who').waitFor();
      assert.equal(early.url(), `${base}/review`);
      assert.deepEqual(leaked(), []);
    } finally {
      await context.close();
    }
  });
  it('keeps the reason a decision was refused on screen once the suggestion is reloaded', async () => {
    const expired = await quotationWithSuggestion(db.pool, scorer, { ...machuPicchu, ratio: 1.05 });
    const taken = await quotationWithSuggestion(db.pool, scorer, { ...machuPicchu, ratio: 1.07 });
    const other = await signedIn({}, /status of (40[13]|409)/);
    try {
      // The quotation expires while the manager has the page open.
      await openSuggestion(other, expired.suggestion.id);
      await db.pool.query(`UPDATE quotations SET status = 'expired' WHERE id = $1`, [expired.quotationId]);
      await other.keyboard.press('o');
      await other.keyboard.press('Tab'); // the suggested price, as filled in
      await other.keyboard.type('matched the competitor');
      const reloaded = other.waitForResponse((r) => r.request().method() === 'GET' && r.url().endsWith(`/v1/review/suggestions/${expired.suggestion.id}`));
      await other.locator('#reason').press('Enter');
      await reloaded;
      const status = other.locator('#detail-status');
      await status.filter({ hasText: `Cannot record it: quotation ${expired.quotationId} is expired` }).waitFor();
      await other.waitForTimeout(300);
      assert.equal(await status.isVisible(), true, 'the message survives the reload');
      assert.match(await status.innerText(), /expired; its price can no longer change/);
      assert.equal(await decisionsOf(expired.suggestion.id), 0);

      // Decided by someone else meanwhile: the page says so and takes it off the queue.
      await openSuggestion(other, taken.suggestion.id);
      const elsewhere = await app.inject({ method: 'POST', url: `/v1/review/suggestions/${taken.suggestion.id}/decision`, headers: { 'x-api-key': keys.manager }, payload: { action: 'accept' } });
      assert.equal(elsewhere.statusCode, 201, elsewhere.body);
      await other.keyboard.press('r');
      await other.keyboard.type('too expensive');
      const again = other.waitForResponse((r) => r.request().method() === 'GET' && r.url().endsWith(`/v1/review/suggestions/${taken.suggestion.id}`));
      await other.keyboard.press('Enter');
      await again;
      await status.filter({ hasText: /Cannot record it: suggestion \d+ is already accepted/ }).waitFor();
      await other.locator('#decided').filter({ hasText: 'Accepted by Rosa Mamani' }).waitFor();
      assert.equal(await other.locator(`#queue-rows tr[data-id="${taken.suggestion.id}"]`).count(), 0, 'the decided suggestion left the queue');
    } finally {
      await other.context().close();
    }
  });
  it('sends one decision at a time: nothing else can be chosen or sent while one is in flight', async () => {
    const { suggestion } = await quotationWithSuggestion(db.pool, scorer, { ...machuPicchu, ratio: 1.04 });
    const other = await signedIn();
    try {
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      const posts: string[] = [];
      await other.route('**/decision', async (route) => {
        posts.push(route.request().postData() ?? '');
        await held;
        await route.continue();
      });
      await openSuggestion(other, suggestion.id);
      await other.keyboard.press('a');
      await other.keyboard.type('fair for the season');
      await other.keyboard.press('Enter');
      await other.locator('#detail-status').filter({ hasText: 'Recording' }).waitFor();
      // While it is in flight, choosing reject and pressing the button does nothing.
      await other.locator('input[name="action"][value="reject"]').check({ force: true, timeout: 1000 }).catch(() => undefined);
      await other.locator('#submit-decision').click({ force: true, timeout: 1000 }).catch(() => undefined);
      await other.locator('#reason').press('Enter', { timeout: 1000 }).catch(() => undefined);
      assert.equal(await other.locator('#submit-decision').isDisabled(), true);
      assert.equal(await other.locator('input[name="action"][value="reject"]').isDisabled(), true);
      release();
      await other.locator('#detail-status').filter({ hasText: 'Accepted' }).waitFor();
      assert.equal(posts.length, 1, `one decision sent: ${posts.join(' | ')}`);
      const { rows } = await db.pool.query('SELECT action FROM suggestion_decisions WHERE suggestion_id = $1', [suggestion.id]);
      assert.deepEqual(rows, [{ action: 'accept' }]);
    } finally {
      await other.context().close();
    }
  });
  it('goes on from the last row still listed when Next is pressed after deciding on the first page', async () => {
    // More than a page of pending suggestions.
    const titicaca = { itineraryId: catalogue.itineraries.titicaca, customerId: catalogue.customers.german, departureDate: catalogue.departureDates.titicaca };
    for (let i = 0; i < 53; i++) await quotationWithSuggestion(db.pool, scorer, { ...titicaca, ratio: 1 + i / 1000 });
    const pending = async (offset: number, limit: number): Promise<number[]> =>
      (await app.inject({ url: `/v1/review/suggestions?offset=${offset}&limit=${limit}`, headers: { 'x-api-key': keys.manager } })).json().items.map((i: { id: number }) => i.id);
    const other = await signedIn();
    try {
      const listed = async () => Promise.all((await other.locator('#queue-rows tr').all()).map(async (row) => Number(await row.getAttribute('data-id'))));
      await other.locator('#queue-rows tr').nth(49).waitFor();
      assert.equal((await listed()).length, 50);
      for (const nth of [0, 10, 20]) {
        const id = (await listed())[nth];
        await openSuggestion(other, id);
        await other.keyboard.press('a');
        await other.keyboard.press('Enter');
        await other.locator('#detail-status').filter({ hasText: 'Accepted' }).waitFor();
        assert.equal(await decisionsOf(id), 1);
      }
      const first = await listed();
      assert.equal(first.length, 47);
      assert.deepEqual(first, await pending(0, 47), 'page 1 is what the API lists');
      await other.locator('#next-page').click();
      await other.locator(`#queue-rows tr[data-id="${first[0]}"]`).waitFor({ state: 'detached' });
      const second = await listed();
      assert.deepEqual(second, await pending(47, 50), 'page 2 starts right after the last row listed on page 1, none skipped');
      assert.match(await other.locator('#page-info').innerText(), /^48–\d+ of \d+$/);
    } finally {
      await other.context().close();
    }
  });
  it('keeps the saved key when the API cannot be reached on reload, and signs in again on retry', async () => {
    const other = await signedIn({}, /status of (40[13]|503)|ERR_FAILED/);
    try {
      const savedKey = () => other.evaluate('sessionStorage.getItem("spirit-review-key")');
      assert.equal(await savedKey(), keys.manager);
      await other.route('**/v1/review/me', (route) => route.abort('failed'));
      await other.reload();
      const error = other.locator('#sign-in-error');
      await error.filter({ hasText: 'The review API cannot be reached just now (no answer). Your key is kept' }).waitFor();
      assert.equal(await savedKey(), keys.manager, 'the key is kept');
      // A server error is no reason to forget the key either.
      await other.unroute('**/v1/review/me');
      await other.route('**/v1/review/me', (route) => route.fulfill({ status: 503, contentType: 'application/json', body: JSON.stringify({ code: 'unavailable', message: 'down for maintenance' }) }));
      await error.getByRole('button', { name: 'Retry' }).click();
      await error.filter({ hasText: 'HTTP 503: down for maintenance' }).waitFor();
      assert.equal(await savedKey(), keys.manager);
      await other.unroute('**/v1/review/me');
      await error.getByRole('button', { name: 'Retry' }).click();
      await other.locator('#desk').waitFor();
      assert.equal(await error.isHidden(), true);
      assert.match((await other.locator('#who-name').textContent())!, /Rosa Mamani/);
    } finally {
      await other.context().close();
    }
  });
  it('shows times in Lima, saying so, and counts acceptance back from the day in Lima, whatever the browser’s zone', async () => {
    const { suggestion } = await quotationWithSuggestion(db.pool, scorer, { ...machuPicchu, ratio: 1.03 });
    // 02:00 UTC is 21:00 the day before in Lima (and 11:00 in Tokyo): the three disagree on the day.
    const fixed = new Date(`${new Date().toISOString().slice(0, 10)}T02:00:00Z`);
    const inLima = (at: Date, format: Intl.DateTimeFormatOptions) => at.toLocaleString('en-GB', { timeZone: 'America/Lima', ...format });
    let acceptance: Promise<import('playwright-core').Request> | undefined;
    const other = await signedIn({ timezoneId: 'Asia/Tokyo' }, undefined, async (p) => {
      await p.clock.setFixedTime(fixed);
      acceptance = p.waitForRequest((r) => r.url().includes('/v1/suggestions/acceptance'));
    });
    try {
      const from = new URL((await acceptance!).url()).searchParams.get('from');
      // Today and the 89 days before it: `from` is included.
      const ninetyDaysBack = new Date(fixed.getTime() - 89 * 86_400_000);
      const [dd, mm, yyyy] = inLima(ninetyDaysBack, { day: '2-digit', month: '2-digit', year: 'numeric' }).split('/');
      assert.equal(from, `${yyyy}-${mm}-${dd}`, 'the last 90 days count back from today in Lima, today included');

      await openSuggestion(other, suggestion.id);
      await other.keyboard.press('a');
      await other.keyboard.press('Enter');
      await other.locator('#detail-status').filter({ hasText: 'Accepted' }).waitFor();
      const { rows: [decision] } = await db.pool.query('SELECT decided_at FROM suggestion_decisions WHERE suggestion_id = $1', [suggestion.id]);
      const expected = inLima(decision.decided_at, { day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit' });
      assert.match(await other.locator('#decided').innerText(), new RegExp(` on ${expected} \\(Lima\\) at `));
    } finally {
      await other.context().close();
    }
  });
  it('says which filter to fix when the departure window is reversed', async () => {
    const other = await signedIn({}, /status of 40[013]/);
    try {
      await other.locator('#f-from').fill('2031-02-01');
      await other.locator('#f-to').fill('2031-01-01');
      await other.getByRole('button', { name: 'Apply' }).click();
      await other.locator('#queue-status').filter({ hasText: 'Check the filters: departureFrom (2031-02-01) is after departureTo (2031-01-01)' }).waitFor();
      assert.equal(await other.locator('#queue').isHidden(), true);
    } finally {
      await other.context().close();
    }
  });
});
