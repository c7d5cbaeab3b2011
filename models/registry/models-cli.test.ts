import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ModelRegistry } from './model-registry.ts';
import { embeddedPostgresUrl, freshDatabase } from '../../test/support/services.ts';

const root = new URL('../..', import.meta.url).pathname;
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'spirit-models-cli-'));
process.on('exit', () => rmSync(dataDir, { recursive: true, force: true }));
// The CLI's PostgreSQL (audit log) is a database of its own on the tests' server, not an embedded one on the
// default port, which another process on the machine may hold.
const db = await freshDatabase(await embeddedPostgresUrl(), 'models_cli');
after(() => db.drop());

function cli(args: string[], env: Record<string, string> = {}) {
  const run = spawnSync(process.execPath, ['--import', 'tsx', 'cli/main.ts', ...args], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, LOG_LEVEL: 'warn', SPIRIT_DATA_DIR: dataDir, MODEL_REGISTRY_URL: '', DATABASE_URL: db.url, ...env },
  });
  return { code: run.status, out: run.stdout, err: run.stderr };
}

const registry = ModelRegistry.open(pathToFileURL(path.join(dataDir, 'models')).href);
const rule = { metric: 'rmse', direction: 'lower', tolerance: 0 } as const;
for (const rmse of [120, 110, 130]) {
  const v = await registry.register({
    dataWindow: { from: '2024-01-01', to: '2025-06-30' },
    featuresVersion: 'quotation-features-v3',
    metrics: { rmse },
    holdoutId: 'holdout-2025-07',
    artifact: { family: 'price', formatVersion: 1, params: { trees: 100 }, state: { rmse } },
  });
  await registry.evaluateForPromotion('price', v.version, rule);
}

test('models list prints an aligned table under <dataDir>/models, and JSON with --json', () => {
  const table = cli(['models', 'list']);
  assert.equal(table.code, 0, table.err);
  const lines = table.out.trimEnd().split('\n');
  assert.equal(lines.length, 4);
  assert.match(lines[0], /^VERSION\s+ALIAS\s+CREATED \(UTC\)\s+DATA WINDOW\s+HOLDOUT\s+METRICS$/);
  assert.match(lines[2], /^price-000002\s+champion\s+/);
  assert.match(lines[3], /^price-000003\s+challenger\s+.*rmse=130$/);
  const column = lines[0].indexOf('HOLDOUT');
  for (const line of lines.slice(1)) assert.equal(line.indexOf('holdout-2025-07'), column, 'columns are aligned');

  const json = cli(['models', 'list', '--family', 'price', '--json']);
  assert.equal(json.code, 0, json.err);
  const versions = JSON.parse(json.out);
  assert.deepEqual(versions.map((v: { version: string; aliases: string[] }) => [v.version, v.aliases]), [
    ['price-000001', []],
    ['price-000002', ['champion']],
    ['price-000003', ['challenger']],
  ]);
});

test('models show resolves aliases; promote and rollback move the champion', () => {
  const show = cli(['models', 'show', 'price', 'challenger', '--json']);
  assert.equal(show.code, 0, show.err);
  assert.equal(JSON.parse(show.out).version, 'price-000003');

  const promote = cli(['models', 'promote', 'price', 'price-000003', '--reason', 'weekend test']);
  assert.equal(promote.code, 0, promote.err);
  assert.match(promote.out, /champion price-000002 → price-000003 \(weekend test\)/);
  assert.match(cli(['models', 'show', 'price', 'champion']).out, /^version\s+price-000003$/m);

  const rollback = cli(['models', 'rollback', 'price']);
  assert.equal(rollback.code, 0, rollback.err);
  assert.match(rollback.out, /champion price-000003 → price-000002/);
  assert.match(cli(['models', 'decisions', 'price']).out, /evaluate price-000003: challenger.*\n.*promote price-000003.*\n.*rollback price-000002/);
});

test('MODEL_REGISTRY_URL points the CLI elsewhere; bad arguments exit 2, missing things exit 1', () => {
  const empty = cli(['models', 'list'], { MODEL_REGISTRY_URL: pathToFileURL(path.join(dataDir, 'elsewhere')).href });
  assert.equal(empty.code, 0, empty.err);
  assert.match(empty.out, /no model versions in file:\/\/.*elsewhere/);
  assert.equal(cli(['models', 'list'], { MODEL_REGISTRY_URL: 's3://bucket/models' }).code, 2);
  const wrong = cli(['models', 'show', 'price', 'latest']);
  assert.equal(wrong.code, 2);
  assert.match(wrong.err, /"latest" is neither a price version/);
  assert.equal(cli(['models', 'show', 'price']).code, 2);
  const none = cli(['models', 'rollback', 'demand']);
  assert.equal(none.code, 1);
  assert.match(none.err, /demand has no previous champion/);
  // A misspelt family is a usage error naming it, not an empty answer or "has no champion yet".
  for (const args of [['models', 'decisions', 'pryce'], ['models', 'show', 'pryce', 'champion'], ['models', 'rollback', 'pryce'], ['models', 'list', '--family', 'pryce']]) {
    const misspelt = cli(args);
    assert.equal(misspelt.code, 2, `${args.join(' ')}: ${misspelt.out}${misspelt.err}`);
    assert.match(misspelt.err, /"pryce" is not a model family; one of .*price/);
  }
});

test('models show prints the upstream versions a version was trained with, and "none" when it has none', async () => {
  // A registry of its own, so the price versions above keep their numbers and the list above its lines.
  const location = pathToFileURL(path.join(dataDir, 'lineage')).href;
  const lineage = ModelRegistry.open(location);
  const common = { dataWindow: { from: '2024-01-01', to: '2025-06-30' }, holdoutId: 'holdout-2025-07', metrics: { rmse: 1 } };
  const segmenter = await lineage.register({ ...common, featuresVersion: 'customer-features-v1', artifact: { family: 'segmentation', formatVersion: 1, params: {}, state: {} } });
  await lineage.register({ ...common, featuresVersion: 'quotation-features-v3', upstream: { segmentation: segmenter.version }, artifact: { family: 'price', formatVersion: 1, params: {}, state: {} } });

  const price = cli(['models', 'show', 'price', 'price-000001'], { MODEL_REGISTRY_URL: location });
  assert.equal(price.code, 0, price.err);
  assert.match(price.out, /^upstream\s+segmentation@segmentation-000001$/m);
  const json = cli(['models', 'show', 'price', 'price-000001', '--json'], { MODEL_REGISTRY_URL: location });
  assert.deepEqual(JSON.parse(json.out).upstream, { segmentation: 'segmentation-000001' }, 'the text says what the JSON says');

  const alone = cli(['models', 'show', 'segmentation', 'segmentation-000001'], { MODEL_REGISTRY_URL: location });
  assert.equal(alone.code, 0, alone.err);
  assert.match(alone.out, /^upstream\s+none$/m);
});
