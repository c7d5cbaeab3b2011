import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { migrate } from '../../domain/migrate.ts';
import { generateWorld } from '../../domain/generator/index.ts';
import { embeddedPostgresUrl, freshDatabase, quietLog, tempDir, type TestDatabase } from '../../test/support/services.ts';
import { runSpiritMl } from '../../test/support/spirit-ml-cli.ts';

/**
 * `spirit-ml sql` as an attacker used it (issue #19, finding 2): each query below was run successfully against
 * the read-only analyst command, and each must now be refused with exit 2 and a message that says why — and
 * nothing it tried may have happened (no file written, no row inserted, no request made). Run as a separate
 * process on its own embedded ClickHouse, with a real PostgreSQL for the postgresql() attacks.
 */


describe('spirit-ml sql refuses what an attacker ran through it', () => {
  let db: TestDatabase;
  let env: Record<string, string>;
  let pgArgs: string;
  let scratch: string;
  let api: http.Server;
  let apiHits = 0;
  let apiPort: number;

  before(async () => {
    db = await freshDatabase(await embeddedPostgresUrl(), 'sql_attacks');
    await migrate(db.pool, quietLog);
    await generateWorld(db.pool, { customers: 20, years: 1, seed: 5, endDate: '2025-07-01', log: quietLog });
    const url = new URL(db.url);
    pgArgs = `'${url.hostname}:${url.port}', '${url.pathname.slice(1)}', %TABLE%, '${decodeURIComponent(url.username)}', '${decodeURIComponent(url.password)}'`;
    scratch = tempDir('sql-attacks');
    env = { SPIRIT_DATA_DIR: path.join(scratch, 'data') };
    // Stands in for the scoring API on this machine: the attack read it through url().
    api = http.createServer((_req, res) => {
      apiHits++;
      res.end('{"keys":["secret"]}\n');
    });
    await new Promise<void>((resolve) => api.listen(0, '127.0.0.1', resolve));
    apiPort = (api.address() as { port: number }).port;
  });

  after(async () => {
    await new Promise((resolve) => api?.close(resolve));
    await db?.drop();
  });

  const refused = (result: { code: number | null; out: string; err: string }, reason: RegExp) => {
    assert.equal(result.code, 2, `exit 2 expected; got ${result.code}\nstdout: ${result.out.slice(0, 400)}\nstderr: ${result.err.slice(0, 400)}`);
    assert.match(result.err, reason);
  };

  it('refuses a folder given as --file, naming it, without a stack trace', async () => {
    // It crashed with EISDIR, a stack trace and exit 1.
    const result = await runSpiritMl(env, 'sql', '--file', 'notebooks');
    refused(result, /--file notebooks is not a file/);
    assert.doesNotMatch(result.err, /\n\s+at /, 'no stack trace');
  });

  it('refuses reading a file of the machine: SELECT * FROM file(/etc/passwd)', async () => {
    const result = await runSpiritMl(env, 'sql', "SELECT * FROM file('/etc/passwd', 'LineAsString')");
    refused(result, /table function file\(\) is not allowed/);
    assert.doesNotMatch(result.out, /root:/);
  });

  it("refuses reading customers' names and e-mails from the booking database through postgresql()", async () => {
    const { rows } = await db.pool.query<{ email: string }>('SELECT email FROM customers WHERE email IS NOT NULL LIMIT 1');
    const result = await runSpiritMl(env, 'sql', `SELECT name, email FROM postgresql(${pgArgs.replace('%TABLE%', "'customers'")})`);
    refused(result, /table function postgresql\(\) is not allowed/);
    assert.ok(!result.out.includes(rows[0].email));
  });

  it('refuses reaching the API over HTTP through url()', async () => {
    const result = await runSpiritMl(env, 'sql', `SELECT * FROM url('http://127.0.0.1:${apiPort}/v1/admin/keys', 'LineAsString')`);
    refused(result, /table function url\(\) is not allowed/);
    assert.equal(apiHits, 0, 'no request reached the API');
  });

  it('refuses writing a file: INSERT INTO FUNCTION file(…)', async () => {
    const target = path.join(scratch, 'written-by-analyst.csv');
    const result = await runSpiritMl(env, 'sql', `INSERT INTO FUNCTION file('${target}', 'CSV') SELECT 1`);
    refused(result, /INSERT statements are not allowed/);
    assert.equal(fs.existsSync(target), false, 'no file was written');
  });

  it('refuses inserting a row into the booking database: INSERT INTO FUNCTION postgresql(…, ratings, …)', async () => {
    const before = await db.pool.query<{ n: string }>('SELECT count(*) AS n FROM ratings');
    const { rows } = await db.pool.query<{ id: string; customer_id: string; itinerary_id: number }>(
      'SELECT b.id, b.customer_id, b.itinerary_id FROM bookings b WHERE NOT EXISTS (SELECT 1 FROM ratings r WHERE r.booking_id = b.id) AND b.itinerary_id IS NOT NULL LIMIT 1',
    );
    const target = rows[0];
    const result = await runSpiritMl(
      env,
      'sql',
      `INSERT INTO FUNCTION postgresql(${pgArgs.replace('%TABLE%', "'ratings'")}) (booking_id, customer_id, itinerary_id, score, comment, rated_at) ` +
        `VALUES (${target.id}, ${target.customer_id}, ${target.itinerary_id}, 1, 'written by an analyst query', now())`,
    );
    refused(result, /INSERT statements are not allowed/);
    const afterCount = await db.pool.query<{ n: string }>('SELECT count(*) AS n FROM ratings');
    assert.equal(afterCount.rows[0].n, before.rows[0].n, 'no rating was inserted');
  });

  it('still answers an analyst query, with a typed parameter, and a bad parameter exits 2 naming it', async () => {
    const ok = await runSpiritMl(env, 'sql', 'SELECT count() AS n, {since:Date} AS since FROM bookings_latest WHERE departure_date >= {since:Date}', '--param', 'since=2024-01-01', '--format', 'json');
    assert.equal(ok.code, 0, ok.err);
    assert.deepEqual(JSON.parse(ok.out), { n: 0, since: '2024-01-01' });
    const bad = await runSpiritMl(env, 'sql', 'SELECT {since:Date} AS since', '--param', 'since=yesterday');
    refused(bad, /query parameter since must be a date YYYY-MM-DD/);
    // Asked for as this command takes it, not as the API's body does ("pass it in params").
    const missing = await runSpiritMl(env, 'sql', 'SELECT {since:Date} AS since');
    refused(missing, /query parameter since \(Date\) has no value: give it as --param since=VALUE/);
  });

  it('uses the analyst user, never the platform user, when one is configured for a ClickHouse server', async () => {
    // A listener in place of the ClickHouse server: it records who connects and answers as ClickHouse does to a
    // wrong password, which is all this test needs to know which credentials the command presents.
    const users: string[] = [];
    const server = http.createServer((req, res) => {
      const basic = req.headers.authorization?.replace(/^Basic /, '');
      users.push(String(req.headers['x-clickhouse-user'] ?? (basic ? Buffer.from(basic, 'base64').toString().split(':')[0] : 'default')));
      req.resume();
      res.writeHead(516, { 'x-clickhouse-exception-code': '516' });
      res.end('Code: 516. DB::Exception: analyst: Authentication failed. (AUTHENTICATION_FAILED)\n');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    try {
      const result = await runSpiritMl(
        { ...env, CLICKHOUSE_URL: `http://127.0.0.1:${port}`, CLICKHOUSE_USER: 'spirit', CLICKHOUSE_PASSWORD: 'platform-secret', CLICKHOUSE_ANALYST_USER: 'analyst', CLICKHOUSE_ANALYST_PASSWORD: 'analyst-secret' },
        'sql',
        'SELECT 1',
      );
      assert.notEqual(result.code, 0);
      assert.ok(users.length > 0, 'the command connected');
      assert.deepEqual([...new Set(users)], ['analyst']);
      assert.doesNotMatch(result.err, /platform-secret|analyst-secret/);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
