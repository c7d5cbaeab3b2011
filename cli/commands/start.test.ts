import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import { freePort } from '../../test/support/free-port.ts';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { tempDir } from '../../test/support/services.ts';
import { ModelRegistry } from '../../models/registry/model-registry.ts';
import { registryLocation } from '../../models/registry/registry-location.ts';
import { seedParam } from '../../pipelines/steps/support/step-params.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const LEVELS = ['standard', 'superior', 'luxury'];
const START_TIMEOUT_MS = 8 * 60_000;

interface Reason {
  feature: string;
  text: string;
}
interface Suggestion {
  id: number;
  itinerary: { id: number };
  serviceLevel: string;
  departureDate: string;
  partySize: number;
  loadFactor: number | null;
  pace: number | null;
  features: Record<string, number>;
  defaultedFeatures: string[];
  reasonCodes: Reason[];
}


/**
 * What a new user sees on their first `npm start`: the main job end to end (sample world, pipeline, models, API),
 * then the review desk's queue read through the API the page uses. Every suggestion in it must have been priced
 * from real features (none defaulted), carry the departure's demand and pace, and give reasons that are true of
 * the trip. Ctrl+C must then stop everything cleanly, without warnings.
 */
describe('npm start on a fresh machine', () => {
  let db: pg.Pool | undefined;
  let child: ChildProcess;
  let stderr = '';
  let base = '';
  let pricingManager = '';
  let queue: Suggestion[] = [];

  let dataDir = '';
  let pgPort = 0;
  /** Embedded defaults, as for a new user: no server URL, so the embedded PostgreSQL and ClickHouse. */
  const startEnv = (port: number): NodeJS.ProcessEnv => {
    const env: NodeJS.ProcessEnv = { ...process.env, SPIRIT_DATA_DIR: dataDir, EMBEDDED_PG_PORT: String(pgPort), HOST: '127.0.0.1', PORT: String(port), LOG_LEVEL: 'info', LOG_FORMAT: 'json' };
    for (const name of ['DATABASE_URL', 'CLICKHOUSE_URL', 'REDIS_URL']) delete env[name];
    return env;
  };

  before(async () => {
    dataDir = tempDir('npm-start');
    pgPort = await freePort();
    const port = await freePort();
    const env = startEnv(port);
    // A process group of its own, as a terminal gives it: Ctrl+C reaches the embedded PostgreSQL too.
    child = spawn(process.execPath, ['--no-memory-reducer', '--import', 'tsx', 'cli/main.ts', 'start', '--customers', '1000', '--years', '3'], { cwd: ROOT, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`not running after ${START_TIMEOUT_MS / 1000} s:\n${stderr.slice(-3000)}`)), START_TIMEOUT_MS);
      child.stdout!.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        if (stdout.includes('Stop with Ctrl+C')) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`npm start exited with ${code} before serving:\n${stderr.slice(-3000)}`));
      });
    });
    base = `http://127.0.0.1:${port}`;
    pricingManager = JSON.parse(fs.readFileSync(path.join(dataDir, 'api-keys.json'), 'utf8'))['pricing-manager'];
    const password = fs.readFileSync(path.join(dataDir, 'postgres.password'), 'utf8').trim();
    db = new pg.Pool({ connectionString: `postgres://spirit:${encodeURIComponent(password)}@127.0.0.1:${pgPort}/spirit`, max: 2 });
    // pool.end() resolves once its clients are asked to close, not once they have: a client still closing when Ctrl+C
    // stops the embedded PostgreSQL receives its "terminating connection" through the pool, which must not crash the run.
    db.on('error', () => undefined);
    const list = (await get('/v1/review/suggestions?limit=100')) as { items: Array<{ id: number }> };
    queue = await Promise.all(list.items.map((s) => get(`/v1/review/suggestions/${s.id}`) as Promise<Suggestion>));
  });

  after(async () => {
    await db?.end().catch(() => undefined);
    if (child?.pid && child.exitCode === null && child.signalCode === null) process.kill(-child.pid, 'SIGKILL');
  });

  async function get(url: string): Promise<unknown> {
    const answer = await fetch(base + url, { headers: { 'x-api-key': pricingManager } });
    assert.equal(answer.status, 200, `GET ${url}: ${await answer.clone().text()}`);
    return answer.json();
  }

  it('puts work in the review queue', () => {
    assert.ok(queue.length >= 20, `only ${queue.length} suggestions pending`);
  });

  it('priced every suggestion from real features, none defaulted', () => {
    for (const s of queue) {
      assert.ok(Object.keys(s.features).length > 0, `suggestion ${s.id} stored no features`);
      assert.deepEqual(s.defaultedFeatures, [], `suggestion ${s.id} was priced with defaulted ${s.defaultedFeatures.join(', ')}`);
    }
  });

  it('shows demand and pace on every row', () => {
    for (const s of queue) {
      assert.equal(typeof s.loadFactor, 'number', `suggestion ${s.id} has no load factor`);
      assert.equal(typeof s.pace, 'number', `suggestion ${s.id} (${s.departureDate}) has no pace`);
    }
  });

  it('gives reasons that are true of each trip', async () => {
    for (const s of queue) {
      assert.equal(LEVELS[s.features.service_level], s.serviceLevel, `suggestion ${s.id} priced as ${LEVELS[s.features.service_level]} service`);
      assert.equal(s.features.group_size, s.partySize, `suggestion ${s.id} priced for another party size`);
      const { rows } = await db!.query<{ capacity: number; booked: string }>(
        'SELECT capacity, seats_sold AS booked FROM departures WHERE itinerary_id = $1 AND departure_date = $2',
        [s.itinerary.id, s.departureDate],
      );
      assert.equal(rows.length, 1, `suggestion ${s.id}: no departure ${s.departureDate}`);
      const booked = Number(rows[0].booked) / rows[0].capacity;
      assert.ok(Math.abs(s.features.departure_load_factor - booked) < 0.01, `suggestion ${s.id}: load factor ${s.features.departure_load_factor}, departure ${Math.round(100 * booked)}% booked`);
      for (const reason of s.reasonCodes) {
        if (reason.feature === 'service_level') assert.ok(reason.text.endsWith(`: ${s.serviceLevel} service`), `suggestion ${s.id}: "${reason.text}"`);
        if (reason.feature === 'departure_load_factor') assert.ok(reason.text.endsWith(`: departure ${Math.round(100 * booked)}% booked`), `suggestion ${s.id}: "${reason.text}"`);
        if (reason.feature === 'group_size') assert.ok(reason.text.endsWith(`: party of ${s.partySize}`), `suggestion ${s.id}: "${reason.text}"`);
      }
    }
  });

  it('trains as the nightly runs do, so their versions can replace its champions', async () => {
    // Scheduled runs pass no parameters; a holdout that names another seed would make every later version a
    // challenger, never compared with these champions.
    const nightly = seedParam({ params: {} });
    const registry = ModelRegistry.open(registryLocation(dataDir, {}));
    for (const family of ['segmentation', 'nlu']) {
      const champion = await registry.get(family, 'champion');
      assert.match(champion.holdoutId ?? '', new RegExp(`seed-${nightly}-|seed-${nightly}$`), `${family}: ${champion.holdoutId}`);
    }
  });

  it('stops cleanly on Ctrl+C, without warnings', async () => {
    const before = stderr.length;
    await db?.end();
    db = undefined;
    const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    process.kill(-child.pid!, 'SIGINT');
    assert.equal(await exit, 0);
    const warnings = stderr
      .slice(before)
      .split('\n')
      .filter((line) => /"level":"(warn|error)"/.test(line));
    assert.deepEqual(warnings, []);
  });

  it('started again on a port in use, says so in a line naming PORT and exits', async () => {
    const taken = net.createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = (taken.address() as net.AddressInfo).port;
    try {
      const again = spawn(process.execPath, ['--no-memory-reducer', '--import', 'tsx', 'cli/main.ts', 'start'], { cwd: ROOT, env: startEnv(port), detached: true, stdio: ['ignore', 'ignore', 'pipe'] });
      let errors = '';
      again.stderr!.on('data', (chunk: Buffer) => (errors += chunk.toString()));
      const code = await new Promise<number | null>((resolve, reject) => {
        const timer = setTimeout(() => {
          process.kill(-again.pid!, 'SIGKILL');
          reject(new Error(`still running after ${START_TIMEOUT_MS / 1000} s:\n${errors.slice(-2000)}`));
        }, START_TIMEOUT_MS);
        again.once('exit', (exitCode) => {
          clearTimeout(timer);
          resolve(exitCode);
        });
      });
      assert.equal(code, 1, errors.slice(-2000));
      const said = errors.split('\n').filter((line) => line.startsWith('spirit-ml start:'));
      assert.equal(said.length, 1, errors.slice(-2000));
      assert.match(said[0], new RegExp(`cannot serve on 127\\.0\\.0\\.1:${port}: the port is in use.*set PORT`));
      assert.doesNotMatch(errors, /\n\s+at /, 'no stack trace');
    } finally {
      taken.close();
    }
  });
});

/**
 * `npm start -- --no-serve` (a machine that only prepares data and models): the keys the README and the `sql` and
 * `notebook` commands point to must be there afterwards. They were written only when the API started.
 */
describe('npm start --no-serve', () => {
  it('stops after the pipeline and leaves one API key per role in the data directory', async () => {
    const dataDir = tempDir('npm-start-no-serve');
    const env: NodeJS.ProcessEnv = { ...process.env, SPIRIT_DATA_DIR: dataDir, EMBEDDED_PG_PORT: String(await freePort()), LOG_LEVEL: 'warn' };
    for (const name of ['DATABASE_URL', 'CLICKHOUSE_URL', 'REDIS_URL']) delete env[name];
    const child = spawn(process.execPath, ['--no-memory-reducer', '--import', 'tsx', 'cli/main.ts', 'start', '--no-serve', '--customers', '200', '--years', '2'], { cwd: ROOT, env, detached: true, stdio: ['ignore', 'ignore', 'pipe'] });
    let errors = '';
    child.stderr!.on('data', (chunk: Buffer) => (errors += chunk.toString()));
    await new Promise<number | null>((resolve, reject) => {
      const timer = setTimeout(() => {
        process.kill(-child.pid!, 'SIGKILL');
        reject(new Error(`still running after ${START_TIMEOUT_MS / 1000} s:\n${errors.slice(-2000)}`));
      }, START_TIMEOUT_MS);
      child.once('exit', (code) => {
        clearTimeout(timer);
        resolve(code);
      });
    });
    const file = path.join(dataDir, 'api-keys.json');
    assert.ok(fs.existsSync(file), `no ${file}:\n${errors.slice(-2000)}`);
    const keys = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, string>;
    assert.deepEqual(Object.keys(keys).sort(), ['admin', 'analyst', 'pricing-manager', 'quotation-engine']);
    assert.equal(fs.statSync(file).mode & 0o777, 0o600, 'readable by its owner only');
    assert.match(errors, new RegExp(`API keys: ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
  });
});
