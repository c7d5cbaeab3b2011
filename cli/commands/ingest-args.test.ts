import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { tempDir } from '../../test/support/services.ts';
import { runSpiritMl } from '../../test/support/spirit-ml-cli.ts';

/** `spirit-ml ingest` arguments, checked before PostgreSQL or ClickHouse is opened. */
describe('spirit-ml ingest arguments', () => {
  it('an unknown --table exits 2 naming the option and the tables it takes, before opening any store', async () => {
    // A PostgreSQL that does not answer: reaching it would be exit 1 "cannot reach PostgreSQL".
    const env = { SPIRIT_DATA_DIR: tempDir('ingest-args'), DATABASE_URL: 'postgres://spirit@127.0.0.1:1/spirit' };
    const run = await runSpiritMl(env, 'ingest', '--table', 'bookings', '--table', 'bookngs');
    assert.equal(run.code, 2, run.err);
    assert.match(run.err, /--table: unknown table "bookngs"; known: destinations, .*bookings/);
  });
});
