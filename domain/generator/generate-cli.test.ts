import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { freshDatabase, postgresTargets, tempDir, type TestDatabase } from '../../test/support/services.ts';
import { readGroundTruth } from './ground-truth.ts';

/** `spirit-ml generate`: exit 2 with a message naming the flag on bad arguments; a real run; refusal to overwrite. */
const root = new URL('../..', import.meta.url).pathname;
// Probed before any suite is declared: the suites below block the event loop (spawnSync) and would starve the probe.
const targets = await postgresTargets();

const dirs: string[] = [];
process.on('exit', () => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));
function scratch(label: string): string {
  const dir = tempDir(label);
  dirs.push(dir);
  return dir;
}

function generate(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'cli/main.ts', 'generate', ...args], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, LOG_LEVEL: 'warn', ...env },
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('spirit-ml generate arguments', () => {
  const bad: Array<[string[], RegExp]> = [
    [['--customers', 'many'], /--customers must be a whole number/],
    // Number() reads these as 16 and 1000: the command ran with a number nobody wrote (review).
    [['--customers', '0x10'], /--customers must be a whole number, got "0x10"/],
    [['--customers', '1e3'], /--customers must be a whole number, got "1e3"/],
    [['--customers', '0'], /--customers must be at least 1/],
    [['--years', '50'], /--years must be at most 20/],
    [['--seed', '4294967296'], /--seed must be at most 4294967295/],
    [['--end-date', '2025-02-30'], /--end-date must be a date YYYY-MM-DD/],
    [['--customer', '10'], /Unknown option '--customer'/],
  ];
  for (const [args, message] of bad) {
    it(`exits 2 on ${args.join(' ')}`, () => {
      const r = generate(args, { SPIRIT_DATA_DIR: scratch('generate-cli-bad') });
      assert.equal(r.code, 2, r.err);
      assert.match(r.err, message);
      assert.equal(r.out, '');
    });
  }

  it('explains itself with --help', () => {
    const r = generate(['--help']);
    assert.equal(r.code, 0);
    assert.match(r.out, /--customers/);
    assert.match(r.out, /--end-date/);
    assert.match(r.out, /--truth/);
  });
});

for (const target of targets) {
  describe(`spirit-ml generate on ${target.name} PostgreSQL`, { skip: target.skip }, () => {
    let db: TestDatabase | undefined;
    after(async () => db?.drop());

    it('generates, writes the ground truth to the data directory, then refuses to run again on the same database', async () => {
      db = await freshDatabase(target.baseUrl!, 'generate_cli');
      const dataDir = scratch('generate-cli');
      const env = { DATABASE_URL: db.url, SPIRIT_DATA_DIR: dataDir };
      const r = generate(['--customers', '60', '--years', '1', '--seed', '3', '--end-date', '2025-06-01'], env);
      assert.equal(r.code, 0, r.err);
      const out = JSON.parse(r.out);
      assert.equal(out.counts.customers, 60);
      assert.ok(out.counts.bookings > 0);
      assert.equal(out.truthFile, path.join(dataDir, 'ground-truth', 'world-seed-3.json'));
      assert.ok(fs.existsSync(out.truthFile));
      const truth = readGroundTruth(out.truthFile);
      assert.equal(truth.customers.length, 60);
      assert.equal(truth.endDate, '2025-06-01');
      const { rows } = await db.pool.query<{ n: string }>('SELECT count(*) AS n FROM bookings');
      assert.equal(Number(rows[0].n), out.counts.bookings);

      const again = generate(['--customers', '60', '--years', '1', '--seed', '4', '--truth', path.join(dataDir, 'other.json')], env);
      assert.equal(again.code, 2, again.err);
      assert.match(again.err, /already holds data \(.*customers: 60/);
      assert.ok(!fs.existsSync(path.join(dataDir, 'other.json')));
    });
  });
}
