import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { testClickHouse } from '../../test/support/services.ts';
import { ALLOWED_SETTINGS } from './allowed-settings.ts';
import { CLI_LIMITS, LIMIT_CEILINGS, limitSettings } from './limits.ts';
import { ADMIN_ONLY_TABLES } from './rules.ts';
import { OUTPUT_SETTINGS } from './run-analyst-query.ts';

/**
 * The ClickHouse server's analyst user (deploy/clickhouse/analyst-user.sh) enforces what the guard enforces in
 * chDB: every statement parses (ClickHouse's own parser, in chDB — no ClickHouse server runs on this machine, so
 * this checks the script, not a live server), readonly=1 that cannot be lifted, SELECT on the warehouse database
 * and nothing else, the limits' ceilings as MAX constraints, and every setting the guard lets analysts or the
 * runner set marked CHANGEABLE_IN_READONLY (a readonly=1 user is refused any other change).
 */
const script = fs.readFileSync(new URL('../../deploy/clickhouse/analyst-user.sh', import.meta.url), 'utf8');
const sql = /<<SQL\n([\s\S]*?)\nSQL\n/.exec(script)![1].replaceAll('${password}', 'a-password').replaceAll('${CLICKHOUSE_DB}', 'spirit');
const statements = sql.split(/;\s*\n/).map((s) => s.trim().replace(/;$/, '')).filter(Boolean);
const profile = statements.find((s) => s.startsWith('CREATE SETTINGS PROFILE'))!;

/** Each `name [= value] [MIN …] [MAX …] [CONST|CHANGEABLE_IN_READONLY]` element of the profile. */
function profileElements(): Map<string, string> {
  const body = profile.replace(/^CREATE SETTINGS PROFILE OR REPLACE \w+ SETTINGS\s*/, '');
  return new Map(body.split(/,\s*\n/).map((e) => e.trim()).map((e) => [e.split(/[\s=]/)[0], e]));
}

describe('the analyst user of a ClickHouse server', () => {
  it('is written in statements ClickHouse parses', async () => {
    const ch = (await testClickHouse()).client;
    assert.equal(statements.length, 5 + ADMIN_ONLY_TABLES.size);
    for (const statement of statements) {
      const result = await ch.query({ query: 'SELECT formatQuery({q:String}) AS f', format: 'JSONEachRow', query_params: { q: statement } });
      assert.ok((await result.json<{ f: string }>())[0].f.length > 0, statement.slice(0, 60));
    }
  });

  it('is readonly=1, which it cannot lift, with SELECT on the warehouse database only', () => {
    const elements = profileElements();
    assert.match(elements.get('readonly')!, /^readonly = 1$/);
    assert.ok(![...elements.values()].some((e) => /^readonly\b.*CHANGEABLE_IN_READONLY/.test(e)), 'readonly must never be changeable');
    for (const statement of statements.filter((s) => /^(CREATE|ALTER) USER/.test(s))) assert.match(statement, /SETTINGS PROFILE 'analyst_profile', readonly = 1$/);
    const grants = statements.filter((s) => s.startsWith('GRANT'));
    assert.deepEqual(grants, ['GRANT SELECT ON spirit.* TO analyst']);
    // Less the tables the guard keeps from analysts, so the server's user cannot read them either.
    assert.deepEqual(
      statements.filter((s) => s.startsWith('REVOKE SELECT')),
      [...ADMIN_ONLY_TABLES].map((table) => `REVOKE SELECT ON spirit.${table} FROM analyst`),
    );
    assert.ok(statements.some((s) => s === 'REVOKE ALL ON *.* FROM analyst'), 'anything granted before is taken back');
    assert.match(script, /: "\$\{ANALYST_PASSWORD:\?/, 'no default password');
  });

  it('bounds every limit the runner sets by its ceiling, and lets it set them in readonly mode', () => {
    const elements = profileElements();
    const ceilings: Record<string, number> = {
      max_execution_time: LIMIT_CEILINGS.seconds,
      max_result_rows: LIMIT_CEILINGS.rows,
      max_result_bytes: LIMIT_CEILINGS.resultBytes,
      max_memory_usage: LIMIT_CEILINGS.memoryBytes,
      max_threads: LIMIT_CEILINGS.threads,
    };
    for (const [name, value] of Object.entries(limitSettings({ ...CLI_LIMITS, threads: 1 }))) {
      const element = elements.get(name);
      assert.ok(element, `the profile constrains ${name}`);
      if (typeof value === 'string') assert.match(element, new RegExp(`^${name} = '${value}' CONST$`));
      else assert.match(element, new RegExp(`^${name} = ${value === 1 && name === 'max_threads' ? '\\d+' : value} MIN 1 MAX ${ceilings[name]} CHANGEABLE_IN_READONLY$`));
    }
    // The output settings every query runs with can be set by the read-only user.
    for (const [name, value] of Object.entries(OUTPUT_SETTINGS)) assert.match(elements.get(name) ?? `${name} missing`, new RegExp(`^${name} = ${value} CHANGEABLE_IN_READONLY$`));
  });

  it("lets analysts set exactly the guard's allowed settings", () => {
    const elements = profileElements();
    const changeable = [...elements.values()].filter((e) => /^\w+ CHANGEABLE_IN_READONLY$/.test(e)).map((e) => e.split(' ')[0]);
    assert.deepEqual(changeable.sort(), Object.keys(ALLOWED_SETTINGS).sort());
  });

  it('comes with the server setting CHANGEABLE_IN_READONLY needs', () => {
    const xml = fs.readFileSync(new URL('../../deploy/clickhouse/config.d/analyst-constraints.xml', import.meta.url), 'utf8');
    assert.match(xml, /<settings_constraints_replace_previous>true<\/settings_constraints_replace_previous>/);
  });
});
