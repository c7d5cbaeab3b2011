import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { migrate } from '../migrate.ts';
import { freshDatabase, postgresTargets, quietLog, tempDir, type TestDatabase } from '../../test/support/services.ts';

const root = new URL('../..', import.meta.url).pathname;
const FIXTURE = new URL('./fixtures/bookings.csv', import.meta.url).pathname;
const MAPPING = new URL('./fixtures/mapping.json', import.meta.url).pathname;

function run(env: Record<string, string>, ...args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  return spirit(env, 'import', 'bookings', ...args);
}

function spirit(env: Record<string, string>, ...args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['bin/spirit-ml.js', ...args], {
      cwd: root,
      env: { ...process.env, LOG_LEVEL: 'warn', ...env },
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out, err }));
  });
}

describe('spirit-ml import bookings without a database', () => {
  it('exits 2 on a mapping file that is not JSON or not given, before opening any database', async () => {
    const dir = tempDir('import-cli-args');
    const notJson = path.join(dir, 'not-json.json');
    fs.writeFileSync(notJson, '{ "fields": ');
    // A database URL nothing listens on: reaching for it would fail differently (exit 1).
    const env = { SPIRIT_DATA_DIR: path.join(dir, 'data'), DATABASE_URL: 'postgres://nobody@127.0.0.1:9/none' };
    const [json, missing] = await Promise.all([run(env, FIXTURE, '--mapping', notJson), run(env, FIXTURE)]);
    assert.equal(json.code, 2);
    assert.match(json.err, /--mapping .*not-json\.json is not valid JSON/);
    assert.equal(missing.code, 2);
    assert.match(missing.err, /--mapping is required/);
  });
});

for (const target of await postgresTargets()) {
  describe(`spirit-ml import bookings on ${target.name} PostgreSQL`, { skip: target.skip }, () => {
    let db: TestDatabase;
    let env: Record<string, string>;
    let dir: string;

    before(async () => {
      db = await freshDatabase(target.baseUrl!, 'import_cli');
      await migrate(db.pool, quietLog);
      await db.pool.query(`INSERT INTO destinations (code, name, country, region) VALUES ('cusco', 'Cusco', 'PE', 'Andes'), ('machu-picchu', 'Machu Picchu', 'PE', 'Andes'), ('lima', 'Lima', 'PE', 'Coast')`);
      dir = tempDir('import-cli');
      env = { SPIRIT_DATA_DIR: path.join(dir, 'data'), DATABASE_URL: db.url };
    });
    after(async () => db?.drop());

    it('prints a JSON summary and refuses the same file a second time', async () => {
      const first = await run(env, FIXTURE, '--mapping', MAPPING);
      assert.equal(first.code, 0, first.err);
      const summary = JSON.parse(first.out);
      assert.deepEqual([summary.read, summary.loaded, summary.rejected], [15, 5, 10], 'C-100 is not in this database, and the row has no country to create it');
      assert.equal(summary.byReason.customer_needs_country, 2);
      const stored = await db.pool.query<{ n: string }>('SELECT count(*) AS n FROM bookings WHERE source = $1', [`import:${summary.importId}`]);
      assert.equal(Number(stored.rows[0].n), 5);
      const rejects = await spirit(env, 'import', 'rejects', String(summary.importId), '--json');
      assert.equal(rejects.code, 0, rejects.err);
      const listed = JSON.parse(rejects.out);
      assert.equal(listed.rejects.length, 10);
      assert.ok(listed.rejects.every((r: { lineNumber: number; reason: string; rawLine: string }) => r.lineNumber > 1 && r.reason && r.rawLine), 'line, reason and the line itself');
      const table = await spirit(env, 'import', 'rejects', String(summary.importId));
      assert.match(table.out, /10 rejected rows\nLINE +FIELD +REASON/);
      const unknown = await spirit(env, 'import', 'rejects', '999999');
      assert.equal(unknown.code, 1);
      assert.match(unknown.err, /import 999999 does not exist/);
      const bad = await spirit(env, 'import', 'rejects', 'x1');
      assert.equal(bad.code, 2);
      const again = await run(env, FIXTURE, '--mapping', MAPPING);
      assert.equal(again.code, 2);
      assert.match(again.err, /already imported \(import \d+.*pass --force/);
      assert.equal(again.out, '');
    });

    it('exits 2 naming the field when the mapping is bad, and loads nothing', async () => {
      const write = (name: string, content: string) => {
        const file = path.join(dir, name);
        fs.writeFileSync(file, content);
        return file;
      };
      const good = JSON.parse(fs.readFileSync(MAPPING, 'utf8'));
      const badStatus = write('bad-status.json', JSON.stringify({ ...good, fields: { ...good.fields, status: { column: 'State', values: { OK: 'booked' } } } }));
      const badColumn = write('bad-column.json', JSON.stringify({ ...good, fields: { ...good.fields, party_size: 'Passengers' } }));
      const before = await db.pool.query<{ n: string }>('SELECT count(*) AS n FROM imports');
      const [status, column] = await Promise.all([
        run(env, FIXTURE, '--mapping', badStatus, '--force'),
        run(env, FIXTURE, '--mapping', badColumn, '--force'),
      ]);
      assert.equal(status.code, 2);
      assert.match(status.err, /mapping fields\.status\.values\.OK: "booked" is not a booking status/);
      assert.equal(column.code, 2);
      assert.match(column.err, /mapping fields\.party_size\.column: "Passengers" is not a column of the file/);
      const afterwards = await db.pool.query<{ n: string }>('SELECT count(*) AS n FROM imports');
      assert.equal(afterwards.rows[0].n, before.rows[0].n);
    });
  });
}
