import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { embeddedPostgresUrl, freshDatabase, type TestDatabase } from '../../test/support/services.ts';
import { importRejectPatterns } from './personal-data-map.ts';

/**
 * Which rejected import lines name a customer, as PostgreSQL matches the patterns: erasure blanks generously, an
 * export hands out no bystander's line (found by a review: "Ana" matched every Ana, and john@x.com matched
 * mary.john@x.com).
 */
let db: TestDatabase;
before(async () => {
  db = await freshDatabase(await embeddedPostgresUrl(), 'reject_patterns');
});
after(async () => db?.drop());

async function names(line: string, patterns: [string | null, string | null, string[]]): Promise<boolean> {
  const [email, ref, words] = patterns;
  const { rows } = await db.pool.query<{ hit: boolean }>(
    `SELECT ($2::text IS NOT NULL AND $1 ~* $2) OR ($3::text IS NOT NULL AND $1 ~* $3)
            OR (cardinality($4::text[]) > 0 AND (SELECT bool_and($1 ~* w) FROM unnest($4::text[]) AS w)) AS hit`,
    [line, email, ref, words],
  );
  return rows[0].hit;
}

test('a customer is found by their address, reference or every word of their name; a bystander is not', async () => {
  const olivia = { email: 'olivia@x.com', externalRef: 'C0000258', name: 'Olivia Wilson' };
  for (const purpose of ['erase', 'export'] as const) {
    const p = importRejectPatterns(olivia, purpose);
    for (const line of ['Olivia Wilson;;2025', 'WILSON, OLIVIA;;', 'C0000258;;bad date', 'write to olivia@x.com.', 'OLIVIA@X.COM;1']) assert.ok(await names(line, p), `${purpose}: ${line}`);
    for (const line of ['Olivia Pérez;;2025', 'C00002581;;', 'maria.olivia@x.com;;', 'olivia@x.com.pe;;']) assert.equal(await names(line, p), false, `${purpose}: ${line}`);
  }
  // A one-word name: erasure blanks every line with it, an export returns none by the name alone.
  const ana = { email: null, externalRef: null, name: 'Ana' };
  assert.equal(await names('Ana;;2025', importRejectPatterns(ana, 'erase')), true);
  assert.equal(await names('Ana;;2025', importRejectPatterns(ana, 'export')), false);
});
