import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { migrate } from '../../domain/migrate.ts';
import { seedSampleCatalogue, type SampleCatalogue } from '../../test/worlds/sample-catalogue.ts';
import { loadGuardrails } from '../../serving/guardrails/guardrail-store.ts';
import { embeddedPostgresUrl, freshDatabase, quietLog, tempDir, type TestDatabase } from '../../test/support/services.ts';
import { runSpiritMl } from '../../test/support/spirit-ml-cli.ts';

/** `spirit-ml guardrails …` as a pricing manager runs it: a separate process on a real PostgreSQL. */
const spiritMl = (env: Record<string, string>, ...args: string[]) => runSpiritMl(env, 'guardrails', ...args);

describe('spirit-ml guardrails', () => {
  let db: TestDatabase;
  let catalogue: SampleCatalogue;
  let env: Record<string, string>;

  before(async () => {
    db = await freshDatabase(await embeddedPostgresUrl(), 'guardrails_cli');
    await migrate(db.pool, quietLog);
    catalogue = await seedSampleCatalogue(db.pool);
    env = { DATABASE_URL: db.url, SPIRIT_DATA_DIR: tempDir('guardrails-cli') };
  });
  after(async () => db?.drop());

  it('lists, sets by destination code and level, shows the history and removes, each change a new version', async () => {
    const listed = await spiritMl(env, 'list');
    assert.equal(listed.code, 0, listed.err);
    assert.match(listed.out, /rule set version 1\n/);
    assert.match(listed.out, /\*\s+\*\s+10%\s+-\s+-\s+25%\s+1 /);

    const set = await spiritMl(env, 'set', '--destination', 'cusco', '--level', 'luxury', '--min-margin', '0.18', '--max-change-vs-list', '0.2', '--reason', 'Inti Raymi week', '--by', 'ana', '--json');
    assert.equal(set.code, 0, set.err);
    const written = JSON.parse(set.out);
    assert.deepEqual([written.destinationId, written.serviceLevel, written.minMargin, written.maxChangeVsList, written.revision, written.changedBy], [catalogue.destinations.cusco, 'luxury', 0.18, 0.2, 1, 'ana']);
    const { policy } = await loadGuardrails(db.pool);
    assert.equal(policy.ruleFor(catalogue.destinations.cusco, 'luxury').id, written.id);
    assert.equal(policy.ruleFor(catalogue.destinations.puno, 'luxury').id, 1);

    const again = await spiritMl(env, 'set', '--destination', String(catalogue.destinations.cusco), '--level', 'luxury', '--min-margin', '0.2', '--reason', 'week extended');
    assert.equal(again.code, 0, again.err);
    assert.match(again.out, new RegExp(`set the guardrail of destination ${catalogue.destinations.cusco}, luxury service: revision 2`));

    const history = await spiritMl(env, 'history', '--destination', 'cusco', '--level', 'luxury');
    assert.equal(history.code, 0, history.err);
    const lines = history.out.trim().split('\n');
    assert.equal(lines.length, 3, history.out);
    assert.match(lines[1], /cusco\s+luxury\s+2\s+set\s+20%.*week extended/);
    assert.match(lines[2], /cusco\s+luxury\s+1\s+set\s+18%.*Inti Raymi week/);

    const removed = await spiritMl(env, 'remove', '--destination', 'cusco', '--level', 'luxury', '--reason', 'season over');
    assert.equal(removed.code, 0, removed.err);
    assert.equal((await loadGuardrails(db.pool)).policy.ruleFor(catalogue.destinations.cusco, 'luxury').id, 1);
    const old = await spiritMl(env, 'list', '--version', String(written.id), '--json');
    assert.equal(JSON.parse(old.out).rules.length, 2, 'the set as it was when the first rule was written');
  });

  it('exits 2 naming the argument for bad input, and writes nothing', async () => {
    const versionBefore = (await loadGuardrails(db.pool)).policy.version;
    const cases: Array<[string[], RegExp]> = [
      [['set', '--min-margin', 'ten', '--reason', 'x'], /--min-margin must be a number/],
      [['set', '--reason', 'x'], /--min-margin is required/],
      [['set', '--min-margin', '0.1'], /--reason is required/],
      [['set', '--destination', 'atlantis', '--min-margin', '0.1', '--reason', 'x'], /--destination: there is no destination with code or id "atlantis"/],
      [['set', '--level', 'gold', '--min-margin', '0.1', '--reason', 'x'], /--level must be one of standard, superior, luxury/],
      [['set', '--min-margin', '0.3', '--max-margin', '0.2', '--reason', 'x'], /--max-margin \(0.2\) must be above --min-margin \(0.3\)/],
      [['set', '--min-margin', '0.1', '--max-price-per-pax', '99.999', '--reason', 'x'], /--max-price-per-pax is a price in USD and must be whole cents/],
      [['remove', '--reason', 'x'], /default guardrail can be changed but not removed/],
      [['list', '--version', '0'], /--version must be at least 1/],
    ];
    for (const [args, message] of cases) {
      const run = await spiritMl(env, ...args);
      assert.equal(run.code, 2, `${args.join(' ')}: ${run.code} ${run.err}`);
      assert.match(run.err, message, args.join(' '));
    }
    assert.equal((await loadGuardrails(db.pool)).policy.version, versionBefore);
  });
});
