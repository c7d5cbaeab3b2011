import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { PRICE_FEATURE_NAMES, PRICE_FEATURES, PRICE_FEATURES_VERSION, PRICE_LOOKUP_TTL_MS } from './price-feature-definitions.ts';
import { priceFeatureSql, PRICE_ROW_COLUMNS } from './price-feature-sql.ts';

/** What a trained model depends on in the declarations: a change to any of it is a new features version. */
function definitionsDigest(): string {
  const meaning = PRICE_FEATURES.map((f) => [f.name, f.entity, f.version, f.sql ?? null, f.defaultedWhen ?? null, f.fallback ?? null]);
  return createHash('sha256').update(JSON.stringify(meaning)).digest('hex').slice(0, 16);
}

/** The digest of each released features version; a version, once released, keeps its definitions. */
const RELEASED: Record<string, string> = { 'price-features-v1': '0bab27ca4988d38a' };

describe('price feature declarations', () => {
  it('declare every price feature once: entity, version, SQL or a model, fallback and time-to-live', () => {
    assert.deepEqual(PRICE_FEATURES.map((f) => f.name), [...PRICE_FEATURE_NAMES]);
    assert.equal(new Set(PRICE_FEATURE_NAMES).size, PRICE_FEATURE_NAMES.length);
    for (const f of PRICE_FEATURES) {
      assert.ok(Number.isInteger(f.version) && f.version >= 1, `${f.name}: version`);
      assert.ok(f.ttlMs >= 0 && f.description.length > 0, f.name);
      // Only the segment is given by a model rather than by the warehouse's SQL.
      assert.equal(f.sql === undefined, f.name === 'customer_segment', f.name);
    }
    assert.equal(PRICE_LOOKUP_TTL_MS, 15 * 60_000);
  });

  it('are what the SQL selects and the training table stores', () => {
    const sql = priceFeatureSql('SELECT 1');
    for (const f of PRICE_FEATURES.filter((d) => d.sql !== undefined)) {
      assert.ok(sql.includes(`${f.sql} AS ${f.name}`), f.name);
      assert.ok(PRICE_ROW_COLUMNS.includes(f.name), f.name);
    }
  });

  it('change only with a new features version, which models record and serving checks', () => {
    const digest = definitionsDigest();
    assert.equal(
      RELEASED[PRICE_FEATURES_VERSION],
      digest,
      `the price feature definitions changed (digest ${digest}): bump the changed features' version and PRICE_FEATURES_VERSION, and record the new version's digest here`,
    );
  });
});
