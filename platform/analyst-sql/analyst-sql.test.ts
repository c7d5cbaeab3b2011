import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ClickHouseClient } from '@clickhouse/client';
import { migrateWarehouse } from '../../pipelines/warehouse/migrate.ts';
import { quietLog, testClickHouse, testConfig, useClickHouseDatabase } from '../../test/support/services.ts';
import { AnalystSqlError, AnalystWarehouse, runAnalystQuery, type AnalystLimits, type AnalystResult } from './index.ts';

/**
 * The analyst guard on a real chDB warehouse: every way around it we could think of is refused (each a test, with
 * the reason it gives), legitimate analyst SQL still answers, the limits hold, and an analyst query leaves the
 * platform's own session (the API's, the pipeline's) as it was.
 */
const LIMITS: AnalystLimits = { seconds: 20, rows: 1000, resultBytes: 16 * 1024 ** 2, memoryBytes: 512 * 1024 ** 2 };

let ch: ClickHouseClient;
let warehouse: AnalystWarehouse;

function run(sql: string, params?: Record<string, unknown>, limits: Partial<AnalystLimits> = {}, format: 'json' | 'csv' | 'parquet' | 'arrow' = 'json'): Promise<AnalystResult> {
  return runAnalystQuery(warehouse, { sql, params, format, limits: { ...LIMITS, ...limits } });
}

async function rows(sql: string, params?: Record<string, unknown>): Promise<Array<Record<string, unknown>>> {
  const result = await run(sql, params);
  assert.equal(result.format, 'json');
  if (result.format !== 'json') throw new Error('json expected');
  return result.rows.map((r) => Object.fromEntries(result.columns.map((c, i) => [c.name, r[i]])));
}

async function refused(sql: string, reason: RegExp, params?: Record<string, unknown>, code = 'sql_refused'): Promise<AnalystSqlError> {
  try {
    const result = await run(sql, params);
    assert.fail(`ran instead of being refused: ${JSON.stringify(result).slice(0, 300)}`);
  } catch (err) {
    if (!(err instanceof AnalystSqlError)) throw err;
    assert.equal(err.code, code, err.message);
    assert.match(err.message, reason);
    return err;
  }
}

describe('analyst SQL guard', () => {
  before(async () => {
    ch = (await testClickHouse()).client;
    // Another database in the same ClickHouse, as the pipeline's or another tenant's would be.
    await useClickHouseDatabase(ch, 'other_team');
    await ch.command({ query: 'CREATE TABLE IF NOT EXISTS secrets (token String) ENGINE = MergeTree ORDER BY token' });
    await ch.command({ query: "INSERT INTO secrets VALUES ('other-team-token')" });
    await useClickHouseDatabase(ch, 'analyst_guard');
    await migrateWarehouse(ch, quietLog);
    await ch.command({ query: "INSERT INTO destinations (id, code, name, country, region, popularity, created_at, updated_at) VALUES (1, 'cusco', 'Cusco', 'PE', 'Andes', 1, '2024-01-01', '2024-01-01'), (2, 'puno', 'Puno', 'PE', 'Andes', 1, '2024-01-01', '2024-01-01')" });
    await ch.command({
      query: `INSERT INTO bookings (id, destination_id, departure_date, party_size, status, channel, country, total_price, total_cost, currency, booked_at, source, created_at, updated_at)
              SELECT number + 1, 1 + number % 2, toDate('2024-06-01') + number, 2, 'confirmed', 'web', 'US', 1000 + number, 700, 'USD', '2024-03-01 10:00:00', 'web', '2024-03-01 10:00:00', '2024-03-01 10:00:00'
              FROM numbers(20)`,
    });
    // A later version of booking 1: cancelled. FINAL and the _latest view see only this one.
    await ch.command({
      query: `INSERT INTO bookings (id, destination_id, departure_date, party_size, status, channel, country, total_price, total_cost, currency, booked_at, source, created_at, updated_at)
              VALUES (1, 1, '2024-06-01', 2, 'cancelled', 'web', 'US', 1000, 700, 'USD', '2024-03-01 10:00:00', 'web', '2024-03-01 10:00:00', '2024-04-01 10:00:00')`,
    });
    // A table in the warehouse database whose engine reaches outside it (a file on the server).
    await ch.command({ query: 'CREATE TABLE IF NOT EXISTS exported_file (line String) ENGINE = File(LineAsString)' });
    warehouse = new AnalystWarehouse(testConfig(), ch);
  });

  describe('refuses', () => {
    const outfile = path.join(os.tmpdir(), `analyst-describe-${process.pid}.csv`);
    const attempts: Array<[string, string, RegExp, Record<string, unknown>?]> = [
      ['a table function', "SELECT * FROM file('/etc/passwd', 'LineAsString')", /table function file\(\)/],
      ['a table function written in capitals, after a comment', "-- just a look\nSELECT * FROM FILE('/etc/passwd', 'LineAsString')", /table function FILE\(\)/],
      ['a second statement hidden after a comment', "SELECT 1 /* ; */ ; -- then\nINSERT INTO FUNCTION file('/tmp/analyst-x.csv', 'CSV') SELECT 1", /one statement at a time/],
      ['a second statement after a string holding a semicolon', "SELECT 'a;b'; DROP TABLE bookings", /one statement at a time/],
      ['a table function deep in nested subqueries', "SELECT * FROM bookings WHERE id IN (SELECT toUInt64(length(line)) FROM (SELECT * FROM (SELECT * FROM file('/etc/passwd', 'LineAsString'))))", /table function file\(\)/],
      ['a table function in a scalar subquery', "SELECT (SELECT count() FROM url('http://127.0.0.1:9/', 'LineAsString')) AS n", /table function url\(\)/],
      ['a table function in a JOIN', "SELECT * FROM bookings AS b LEFT JOIN s3('http://127.0.0.1:9/x.csv', 'CSV', 'id UInt64') AS s ON s.id = b.id", /table function s3\(\)/],
      ['view()', 'SELECT * FROM view(SELECT * FROM system.tables)', /table function view\(\)/],
      ['merge() over another database', "SELECT * FROM merge('system', '^tables$')", /table function merge\(\)/],
      ['merge() with a regular expression for the database', "SELECT * FROM merge(REGEXP('^sys'), '.*')", /table function merge\(\)/],
      ['remote()', "SELECT * FROM remote('127.0.0.1', system.one)", /table function remote\(\)/],
      ['cluster()', "SELECT * FROM cluster('default', system.one)", /table function cluster\(\)/],
      ['clusterAllReplicas()', "SELECT * FROM clusterAllReplicas('default', system.one)", /table function clusterAllReplicas\(\)/],
      ['postgresql()', "SELECT * FROM postgresql('127.0.0.1:5432', 'test', 'customers', 'postgres', '')", /table function postgresql\(\)/],
      ['mysql()', "SELECT * FROM mysql('127.0.0.1:3306', 'db', 't', 'u', 'p')", /table function mysql\(\)/],
      ['input()', "SELECT * FROM input('a String')", /table function input\(\)/],
      ['executable()', "SELECT * FROM executable('cat /etc/passwd', 'LineAsString', 'line String')", /table function executable\(\)/],
      ['numbers() (no table functions at all: use arrayJoin(range(n)) for a series)', 'SELECT * FROM numbers(10)', /table function numbers\(\)/],
      ['generateRandom()', "SELECT * FROM generateRandom('a UInt8') LIMIT 1", /table function generateRandom\(\)/],
      ['a table function in DESCRIBE', "DESCRIBE TABLE file('/etc/passwd', 'LineAsString')", /table function file\(\)/],
      ['file() as a scalar function', "SELECT file('/etc/passwd') AS passwd", /function file\(\) is not allowed/],
      ['file() inside a lambda', "SELECT arrayMap(p -> file(p), ['/etc/passwd']) AS contents", /function file\(\) is not allowed/],
      ['file() behind a WITH alias', "WITH file('/etc/passwd') AS p SELECT p", /function file\(\) is not allowed/],
      ['a CTE named like a warehouse table that reads a file', "WITH bookings AS (SELECT * FROM file('/etc/passwd', 'LineAsString')) SELECT * FROM bookings", /table function file\(\)/],
      ['a CTE named like a database that shadows nothing', 'WITH system AS (SELECT 1 AS one) SELECT * FROM system.tables', /database system/],
      ['a system table', 'SELECT * FROM system.tables', /table system\.tables is in database system/],
      ['a system table in double quotes', 'SELECT * FROM "system"."tables"', /database system/],
      ['a system table in backquotes with an escape', 'SELECT * FROM `sys\\x74em`.`tables`', /database system/],
      ['a system table behind a subquery aliased as a warehouse table', 'SELECT * FROM (SELECT * FROM system.tables) AS bookings', /database system/],
      ['a system table as the right side of IN', "SELECT 'analyst' IN system.users AS known", /table system\.users is in database system/],
      ['a system table as the right side of NOT IN', 'SELECT count() FROM bookings WHERE id NOT IN system.one', /database system/],
      ['information_schema', 'SELECT * FROM information_schema.tables', /database information_schema/],
      ['INFORMATION_SCHEMA in capitals', 'SELECT * FROM INFORMATION_SCHEMA.TABLES', /database INFORMATION_SCHEMA/],
      ["another database's table", 'SELECT * FROM other_team.secrets', /database other_team/],
      ["another database's table joined to a warehouse table", 'SELECT * FROM bookings AS b, other_team.secrets AS s', /database other_team/],
      ['a table named by an Identifier query parameter', 'SELECT * FROM {t:Identifier}', /database other_team/, { t: 'other_team.secrets' }],
      ['a database named by an Identifier query parameter', 'SELECT * FROM {d:Identifier}.tables', /database system/, { d: 'system' }],
      ['a warehouse table whose engine reads a file', 'SELECT * FROM exported_file', /exported_file is a File\(LineAsString\) table|exported_file is a File/],
      // Found in the security review: key creations and revocations, exports and every write's before/after.
      ["the admins' audit log", 'SELECT actor, action, target, after FROM audit_log FINAL ORDER BY id DESC LIMIT 5', /audit_log is for admins/],
      ["the audit log's latest view", 'SELECT count() FROM audit_log_latest', /audit_log_latest is for admins/],
      ['the audit log behind IN', "SELECT count() FROM bookings WHERE toString(id) IN (SELECT target FROM audit_log)", /audit_log is for admins/],
      ['the audit log named with its database', 'SELECT count() FROM analyst_guard.audit_log', /audit_log is for admins/],
      ['dictGet()', "SELECT dictGet('analyst_guard.any_dictionary', 'name', toUInt64(1))", /function dictGet\(\)/],
      ['dictGetString() in capitals', "SELECT DICTGETSTRING('d', 'name', toUInt64(1))", /function DICTGETSTRING\(\)/],
      ['joinGet()', "SELECT joinGet('other_team.secrets', 'token', 1)", /function joinGet\(\)/],
      ['hasColumnInTable() probing other databases', "SELECT hasColumnInTable('system', 'users', 'name')", /function hasColumnInTable\(\)/],
      ['getServerSetting()', "SELECT getServerSetting('path')", /function getServerSetting\(\)/],
      ['sleepEachRow()', 'SELECT sleepEachRow(3) FROM bookings', /function sleepEachRow\(\)/],
      ['INTO OUTFILE', "SELECT * FROM bookings INTO OUTFILE '/tmp/analyst-bookings.csv'", /INTO OUTFILE is not allowed/],
      ['a FORMAT clause', 'SELECT * FROM bookings FORMAT TSVRaw', /FORMAT TSVRaw is not allowed/],
      ['raising a limit in SETTINGS', 'SELECT count() FROM bookings SETTINGS max_result_rows = 0', /SETTINGS max_result_rows = 0 is not allowed/],
      ['leaving read-only mode in SETTINGS', 'SELECT count() FROM bookings SETTINGS readonly = 0', /SETTINGS readonly = 0 is not allowed/],
      ['a limit raised in a subquery SETTINGS', 'SELECT * FROM (SELECT * FROM bookings SETTINGS max_execution_time = 0)', /SETTINGS max_execution_time = 0 is not allowed/],
      ['an allowed setting with a value outside its list', "SELECT 1 SETTINGS date_time_output_format = 'basic'", /date_time_output_format = 'basic' is not allowed/],
      ['INSERT', "INSERT INTO bookings (id) VALUES (99)", /INSERT statements are not allowed/],
      ['INSERT INTO FUNCTION file()', "INSERT INTO FUNCTION file('/tmp/analyst-y.csv', 'CSV') SELECT 1", /INSERT statements are not allowed/],
      ['CREATE TABLE with an engine that reads a URL', "CREATE TABLE stolen (line String) ENGINE = URL('http://127.0.0.1:9/', LineAsString)", /CREATE statements are not allowed/],
      ['CREATE DICTIONARY over PostgreSQL', "CREATE DICTIONARY d (id UInt64, name String) PRIMARY KEY id SOURCE(POSTGRESQL(host '127.0.0.1' port 5432 user 'u' password 'p' db 'd' table 'customers')) LAYOUT(FLAT()) LIFETIME(0)", /CREATE statements are not allowed/],
      ['DROP TABLE', 'DROP TABLE bookings', /DROP\/TRUNCATE statements are not allowed/],
      ['TRUNCATE', 'TRUNCATE TABLE bookings', /not allowed/],
      ['ALTER … DELETE', 'ALTER TABLE bookings DELETE WHERE 1', /ALTER statements are not allowed/],
      ['SET', 'SET readonly = 0', /SET statements are not allowed/],
      ['SYSTEM', 'SYSTEM DROP DNS CACHE', /SYSTEM statements are not allowed/],
      ['EXPLAIN', 'EXPLAIN SELECT * FROM system.tables', /EXPLAIN statements are not allowed/],
      ['SHOW TABLES of another database', 'SHOW TABLES FROM system', /SHOW TABLES of database system/],
      ['SHOW DATABASES', 'SHOW DATABASES', /SHOW DATABASES is not allowed/],
      ['SHOW SETTINGS', "SHOW SETTINGS LIKE 'max%'", /SHOW SETTINGS is not allowed/],
      ['SHOW CREATE TABLE', 'SHOW CREATE TABLE bookings', /not allowed/],
      ['SHOW TABLES in another database, written with IN', 'SHOW TABLES IN other_team', /SHOW TABLES of database other_team/],
      ['DESCRIBE of a system table', 'DESCRIBE TABLE system.users', /database system/],
      // EXPLAIN AST prints names and aliases as they are, a node per line: a line break in one prints a node of its own.
      ['file() behind an alias holding a line break', "SELECT file('/etc/passwd') AS `a\n    b`", /line break/],
      ['getServerSetting() behind an alias holding an escaped line break', "SELECT getServerSetting('path') AS `a\\n    b`", /line break/],
      ['another database probed through IN behind an alias holding a line break', "SELECT ('other-team-token' AS `a\n      b`) IN other_team.secrets", /line break/],
      ['a line break written as a hex escape in a double-quoted alias', 'SELECT file(\'/etc/passwd\') AS "a\\x0A    b"', /line break/],
      ['a column name holding a line break', 'SELECT `id\n    Function file` FROM bookings', /line break/],
      ['DESCRIBE … INTO OUTFILE (ClickHouse writes it even read-only)', `DESCRIBE (SELECT 1 AS x) INTO OUTFILE '${outfile}' TRUNCATE`, /INTO OUTFILE is not allowed/],
      ['DESCRIBE … INTO OUTFILE APPEND', `DESCRIBE TABLE bookings INTO OUTFILE '${outfile}' APPEND`, /INTO OUTFILE is not allowed/],
      ['DESCRIBE … FORMAT', 'DESCRIBE TABLE bookings FORMAT CSV', /FORMAT CSV is not allowed/],
    ];
    for (const [what, sql, reason, params] of attempts) {
      it(what, async () => {
        await refused(sql, reason, params);
      });
    }

    it('an Identifier parameter holding a line break, and no file was written by any attempt', async () => {
      await refused('SELECT * FROM {t:Identifier}', /line breaks/, { t: 'bookings\n      TableIdentifier destinations' }, 'invalid_input');
      assert.ok(!existsSync(outfile), 'DESCRIBE … INTO OUTFILE wrote its file');
    });

    it('a WITH alias naming a system table as a string: not read, whatever ClickHouse makes of it', async () => {
      await assert.rejects(run("WITH 'system.tables' AS t SELECT * FROM t"), (err: unknown) => err instanceof AnalystSqlError);
    });

    it('a heredoc full of statements stays a string, and nothing was dropped', async () => {
      const result = await rows('SELECT $$; DROP TABLE bookings; $$ AS text');
      assert.deepEqual(result, [{ text: '; DROP TABLE bookings; ' }]);
      assert.equal((await rows('SELECT count() AS n FROM bookings_latest'))[0].n, 20);
    });
  });

  describe('answers analyst queries', () => {
    it('FINAL and the _latest views see each booking once, in its latest state', async () => {
      assert.deepEqual(await rows("SELECT countIf(status = 'cancelled') AS cancelled, count() AS bookings FROM bookings FINAL"), [{ cancelled: 1, bookings: 20 }]);
      assert.deepEqual(await rows("SELECT countIf(status = 'cancelled') AS cancelled, count() AS bookings FROM bookings_latest"), [{ cancelled: 1, bookings: 20 }]);
    });

    it('joins, CTEs, subqueries, window functions and allowed SETTINGS', async () => {
      const result = await rows(`
        WITH travelled AS (
          SELECT destination_id, party_size, total_price FROM bookings_latest WHERE status != 'cancelled'
        )
        SELECT d.name AS destination, sum(t.party_size) AS pax, count() AS bookings,
               rank() OVER (ORDER BY sum(t.total_price) DESC) AS revenue_rank,
               round(sum(t.party_size) / (SELECT sum(party_size) FROM travelled), 3) AS share
        FROM travelled AS t
        INNER JOIN destinations_latest AS d ON d.id = t.destination_id
        WHERE t.destination_id IN (SELECT id FROM destinations_latest WHERE country = 'PE')
        GROUP BY destination
        ORDER BY destination
        SETTINGS join_use_nulls = 1`);
      assert.deepEqual(result, [
        { destination: 'Cusco', pax: 18, bookings: 9, revenue_rank: 2, share: 0.474 },
        { destination: 'Puno', pax: 20, bookings: 10, revenue_rank: 1, share: 0.526 },
      ]);
    });

    it('typed query parameters: a date, an array and an integer, bound by ClickHouse', async () => {
      const result = await rows(
        'SELECT count() AS n FROM bookings_latest WHERE departure_date >= {from:Date} AND status IN {statuses:Array(String)} AND party_size = {pax:UInt16}',
        { from: '2024-06-10', statuses: ['confirmed'], pax: 2 },
      );
      assert.deepEqual(result, [{ n: 11 }]);
      // A string parameter is a value, never SQL.
      assert.deepEqual(await rows('SELECT {s:String} AS s', { s: "x'; DROP TABLE bookings; --" }), [{ s: "x'; DROP TABLE bookings; --" }]);
    });

    it('a series without table functions, DESCRIBE and SHOW TABLES of the warehouse', async () => {
      assert.deepEqual(await rows('SELECT arrayJoin(range(3)) AS n'), [{ n: 0 }, { n: 1 }, { n: 2 }]);
      assert.ok((await rows('DESCRIBE TABLE bookings')).some((r) => r.name === 'departure_date'));
      assert.ok((await rows('SHOW TABLES')).some((r) => r.name === 'bookings_latest'));
    });

    it('CSV, Parquet and Arrow', async () => {
      const csv = await run('SELECT id, status FROM bookings_latest ORDER BY id LIMIT 2', undefined, {}, 'csv');
      assert.equal(csv.format === 'csv' && csv.body.toString(), '"id","status"\n1,"cancelled"\n2,"confirmed"\n');
      const parquet = await run('SELECT id FROM bookings_latest', undefined, {}, 'parquet');
      assert.equal(parquet.format === 'parquet' && parquet.body.subarray(0, 4).toString(), 'PAR1');
      const arrow = await run('SELECT id FROM bookings_latest', undefined, {}, 'arrow');
      assert.ok(arrow.format === 'arrow' && arrow.body.length > 100);
    });
  });

  describe('holds its limits', () => {
    it('a result with more rows than the limit fails naming maxRows; an aggregate over more rows does not', async () => {
      const err = await assert.rejects(run('SELECT * FROM bookings_latest', undefined, { rows: 5 }), (e: unknown) => e instanceof AnalystSqlError && e.code === 'sql_limit' && e.field === 'maxRows' && /more than 5 rows/.test(e.message));
      assert.equal(err, undefined);
      const result = await run('SELECT count() AS n FROM (SELECT * FROM bookings_latest)', undefined, { rows: 5 });
      assert.ok(result.format === 'json' && result.rows[0][0] === 20);
    });

    it('a query past the time limit is stopped naming timeoutSeconds', async () => {
      const started = performance.now();
      await assert.rejects(
        run('SELECT count() FROM (SELECT arrayJoin(range(100000)) AS a) AS x CROSS JOIN (SELECT arrayJoin(range(100000)) AS b) AS y WHERE sipHash64(a, b) % 7 = 0', undefined, { seconds: 1 }),
        (e: unknown) => e instanceof AnalystSqlError && e.code === 'sql_limit' && e.field === 'timeoutSeconds',
      );
      assert.ok(performance.now() - started < 8000, 'stopped soon after the limit');
    });

    it('a query needing more memory than allowed is stopped', async () => {
      await assert.rejects(run('SELECT groupArray(x) FROM (SELECT arrayJoin(range(5000000)) AS x)', undefined, { memoryBytes: 8 * 1024 ** 2 }), (e: unknown) => e instanceof AnalystSqlError && e.code === 'sql_limit' && /memory/.test(e.message));
    });

    it('a result larger than the result-size limit fails naming maxResultBytes', async () => {
      await assert.rejects(run("SELECT repeat('x', 100000) AS big FROM bookings_latest", undefined, { resultBytes: 100_000 }), (e: unknown) => e instanceof AnalystSqlError && e.field === 'maxResultBytes');
    });

    it('limits out of their range are refused naming the field', async () => {
      await assert.rejects(run('SELECT 1', undefined, { rows: 0 }), (e: unknown) => e instanceof AnalystSqlError || (e as { field?: string }).field === 'maxRows');
      await assert.rejects(run('SELECT 1', undefined, { seconds: 100_000 }), (e: unknown) => (e as { field?: string }).field === 'timeoutSeconds');
    });
  });

  describe('says what is wrong with a query', () => {
    it('syntax errors and unknown tables are sql_invalid', async () => {
      await refused('SELEC 1', /Syntax error/, undefined, 'sql_invalid');
      await refused('SELECT * FROM no_such_table', /no_such_table/, undefined, 'sql_invalid');
    });

    it('parameters: missing, unused, out of range, wrong kind, each naming params.<name>', async () => {
      const missing = await refused('SELECT {from:Date} AS d', /from \(Date\) has no value/, {}, 'invalid_input');
      assert.equal(missing.field, 'params.from');
      assert.equal((await refused('SELECT 1', /x is not used by the query/, { x: 1 }, 'invalid_input')).field, 'params.x');
      assert.equal((await refused('SELECT {n:UInt8} AS n', /out of range for UInt8/, { n: 300 }, 'invalid_input')).field, 'params.n');
      assert.equal((await refused('SELECT {d:Date} AS d', /must be a date/, { d: 'yesterday' }, 'invalid_input')).field, 'params.d');
    });

    it('parameters: a date that is not in the calendar, or outside its type, is refused rather than moved', async () => {
      // ClickHouse binds 2027-02-30 as 2027-03-02 and 1900-01-01 as a Date as 1970-01-01, and answers.
      for (const [type, d] of [['Date', '2027-02-30'], ['Date', '2026-13-01'], ['Date', '1900-01-01'], ['Date', '2150-01-01'], ['Date32', '1899-12-31'], ['Date32', '2025-02-29']]) {
        const refusal = await refused(`SELECT {d:${type}} AS d`, /d must be a date/, { d }, 'invalid_input');
        assert.equal(refusal.field, 'params.d', `${type} ${d}`);
      }
      assert.deepEqual(await rows('SELECT {d:Date32} AS d, {e:Date} AS e', { d: '1900-01-01', e: '2024-02-29' }), [{ d: '1900-01-01', e: '2024-02-29' }]);
    });

    it('parameters: numbers JSON cannot carry exactly, and names of built-in properties, are the caller\'s mistake, not an outage', async () => {
      // These were answered 503 "the warehouse did not answer" (the client refused to send them).
      assert.equal((await refused('SELECT {n:Int64} AS n', /beyond ±2\^53/, { n: 9007199254740993 }, 'invalid_input')).field, 'params.n');
      assert.equal((await refused('SELECT {n:Array(UInt64)} AS n', /beyond ±2\^53/, { n: [1, 2 ** 60] }, 'invalid_input')).field, 'params.n');
      assert.equal((await refused('SELECT {constructor:DateTime} AS d', /constructor \(DateTime\) has no value/, {}, 'invalid_input')).field, 'params.constructor');
      assert.equal((await refused('SELECT {toString:String} AS d', /toString \(String\) has no value/, {}, 'invalid_input')).field, 'params.toString');
      // A float that is a whole number past 2^53 is exact as it is: it binds, as a number.
      assert.deepEqual(await rows('SELECT {d:Float64} AS d, {a:Array(Float64)} AS a', { d: 1e16, a: [1e300, 0.5] }), [{ d: 1e16, a: [1e300, 0.5] }]);
      // The Int64 as a string binds exactly.
      assert.deepEqual(await rows('SELECT toString({n:Int64}) AS n', { n: '9007199254740993' }), [{ n: '9007199254740993' }]);
    });
  });

  it("leaves the platform's own session as it was: it still writes, with its own settings", async () => {
    await run('SELECT count() FROM bookings_latest SETTINGS join_use_nulls = 1');
    await refused('SELECT * FROM system.tables', /database system/);
    const settings = await ch.query({ query: "SELECT getSetting('readonly') AS readonly, getSetting('join_use_nulls') AS join_use_nulls, getSetting('max_result_rows') AS max_rows, currentDatabase() AS db", format: 'JSONEachRow' });
    assert.deepEqual(await settings.json(), [{ readonly: 0, join_use_nulls: false, max_rows: 0, db: 'analyst_guard' }]);
    await ch.command({ query: "INSERT INTO destinations (id, code, name, country, region, popularity, created_at, updated_at) VALUES (3, 'lima', 'Lima', 'PE', 'Coast', 1, '2024-01-01', '2024-01-01')" });
    assert.equal((await rows('SELECT count() AS n FROM destinations_latest'))[0].n, 3);
  });
});
