import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { migrate } from '../../domain/migrate.ts';
import { seedSampleCatalogue, type SampleCatalogue } from '../../test/worlds/sample-catalogue.ts';
import { freePort } from '../../test/support/free-port.ts';
import { embeddedPostgresUrl, freshDatabase, quietLog, tempDir, type TestDatabase } from '../../test/support/services.ts';
import { runSpiritMl } from '../../test/support/spirit-ml-cli.ts';

/** `spirit-ml quote …` as a user runs it: a separate process on a real PostgreSQL. */
const spiritMl = (env: Record<string, string>, ...args: string[]) => runSpiritMl(env, 'quote', ...args);

describe('spirit-ml quote', () => {
  let db: TestDatabase;
  let catalogue: SampleCatalogue;
  let env: Record<string, string>;

  before(async () => {
    db = await freshDatabase(await embeddedPostgresUrl(), 'quote_cli');
    await migrate(db.pool, quietLog);
    catalogue = await seedSampleCatalogue(db.pool);
    env = { DATABASE_URL: db.url, SPIRIT_DATA_DIR: tempDir('quote-cli') };
  });
  after(async () => db?.drop());

  it('makes a quotation at cost-plus when the API is down, says so, and shows it with its history', async () => {
    const api = `http://127.0.0.1:${await freePort()}`;
    const made = await spiritMl(env, 'create', '--customer', String(catalogue.customers.german), '--itinerary', String(catalogue.itineraries.machuPicchu), '--date', catalogue.departureDates.machuPicchu, '--pax', '3', '--api', api, '--key', 'spk_unused', '--by', 'agent:cli', '--json');
    assert.equal(made.code, 0, made.err);
    const quotation = JSON.parse(made.out);
    assert.equal(quotation.priceSource, 'cost_plus_fallback');
    assert.equal(quotation.fallback.used, true);
    assert.equal(quotation.suggestion, null);
    assert.match(quotation.lines.find((l: { kind: string }) => l.kind === 'guide').detail, /de-speaking guide/);

    const shown = await spiritMl(env, 'show', String(quotation.id));
    assert.equal(shown.code, 0, shown.err);
    assert.match(shown.out, /cost-plus fallback/);
    assert.match(shown.out, /v1 .* agent:cli/);
    assert.match(shown.out, /2–3 pax/);
  });

  it('exits 2 naming what is wrong', async () => {
    const missing = await spiritMl(env, 'create', '--itinerary', '1', '--date', '2031-01-01', '--pax', '2', '--key', 'k');
    assert.equal(missing.code, 2);
    assert.match(missing.err, /--customer is required/);
    // With nothing given, the first thing asked for is what the quotation is, not the key.
    const nothing = await spiritMl({ ...env, SPIRIT_API_KEY: '' }, 'create');
    assert.equal(nothing.code, 2);
    assert.match(nothing.err, /--customer is required/);
    const noKey = await spiritMl({ ...env, SPIRIT_API_KEY: '' }, 'create', '--customer', '1', '--itinerary', '1', '--date', '2031-01-01', '--pax', '2');
    assert.equal(noKey.code, 2);
    assert.match(noKey.err, /--key \(or SPIRIT_API_KEY\) is required/);
    const badDate = await spiritMl(env, 'create', '--customer', '1', '--itinerary', '1', '--date', '2031-02-30', '--pax', '2', '--key', 'k');
    assert.equal(badDate.code, 2);
    // Named as the option the person typed, not as the request field behind it.
    assert.match(badDate.err, /--date must be a date as YYYY-MM-DD, got "2031-02-30"/);
    const pastDate = await spiritMl(env, 'create', '--customer', '1', '--itinerary', '1', '--date', '2020-01-01', '--pax', '2', '--key', 'k');
    assert.equal(pastDate.code, 2, pastDate.err);
    assert.match(pastDate.err, /--date 2020-01-01 has passed/);
    assert.doesNotMatch(pastDate.err, /departureDate/);
    const badId = await spiritMl(env, 'show', 'Q12');
    assert.equal(badId.code, 2);
    assert.match(badId.err, /ID must be a quotation id/);
    const badSince = await spiritMl(env, 'labels', '--out', '/tmp/x.csv', '--since', 'yesterday');
    assert.equal(badSince.code, 2, badSince.err);
    assert.match(badSince.err, /--since must be a date/);
    const badOut = await spiritMl(env, 'labels', '--out', '/nonexistent-dir/labels.csv');
    assert.equal(badOut.code, 2, badOut.err);
    assert.match(badOut.err, /--out \/nonexistent-dir\/labels.csv cannot be written \(ENOENT\)/);
    // A well-formed id that does not exist is not a usage error: exit 1, with the reason.
    const unknown = await spiritMl(env, 'show', '999999');
    assert.equal(unknown.code, 1, unknown.err);
    assert.match(unknown.err, /no quotation with id 999999/);
  });
});
