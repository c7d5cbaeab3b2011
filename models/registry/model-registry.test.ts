import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { InputError, NotFoundError, SpiritError } from '../../platform/errors.ts';
import type { ModelArtifact } from '../contract.ts';
import { CustomerSegmenter } from '../segmentation/customer-segmenter.ts';
import { syntheticCustomers } from '../segmentation/synthetic-customers.ts';
import { CorruptArtifactError } from './artifact-encoding.ts';
import { ModelRegistry } from './model-registry.ts';
import type { VersionInput } from './model-version.ts';
import { registryLocation } from './registry-location.ts';

const scratch = mkdtempSync(path.join(os.tmpdir(), 'spirit-registry-'));
process.on('exit', () => rmSync(scratch, { recursive: true, force: true }));
let registries = 0;

function freshRegistry(options = {}): ModelRegistry {
  return ModelRegistry.open(pathToFileURL(path.join(scratch, `r${++registries}`)).href, options);
}

function artifact(family = 'price', weights = [1, 2, 3]): ModelArtifact {
  return { family, formatVersion: 1, params: { trees: 100, learner: 'forest' }, state: { weights } };
}

function run(metrics: Record<string, number>, overrides: Partial<VersionInput> = {}): VersionInput {
  return {
    dataWindow: { from: '2024-01-01', to: new Date('2025-06-30T00:00:00Z') },
    featuresVersion: 'quotation-features-v3',
    metrics,
    holdoutId: 'holdout-2025-07',
    artifact: artifact(),
    ...overrides,
  };
}

const RMSE = { metric: 'rmse', direction: 'lower', tolerance: 0 } as const;

test('register writes numbered, immutable versions with everything a run needs to be traced', async () => {
  const registry = freshRegistry();
  const first = await registry.register(run({ rmse: 120, mae: 80 }));
  const second = await registry.register(run({ rmse: 110 }, { artifact: artifact('price', [4]) }));
  assert.equal(first.version, 'price-000001');
  assert.equal(second.version, 'price-000002');
  assert.deepEqual(first.params, { trees: 100, learner: 'forest' });
  assert.deepEqual(first.dataWindow, { from: '2024-01-01T00:00:00.000Z', to: '2025-06-30T00:00:00.000Z' });
  assert.equal(first.featuresVersion, 'quotation-features-v3');
  assert.deepEqual(first.metrics, { rmse: 120, mae: 80 });
  assert.equal(first.holdoutId, 'holdout-2025-07');
  assert.match(first.codeVersion, /^(git:[0-9a-f]{40}(\+dirty)?|spirit-ml@)/);
  assert.ok(!Number.isNaN(Date.parse(first.createdAt)));
  assert.match(first.artifact.sha256, /^[0-9a-f]{64}$/);
  assert.ok(first.artifact.url.startsWith('file:///'));
  assert.ok(readFileSync(fileURLToPath(first.artifact.url)).length === first.artifact.bytes);
  assert.deepEqual((await registry.list('price')).map((v) => v.version), ['price-000001', 'price-000002']);
  assert.deepEqual(await registry.get('price', 'price-000001'), first);
});

test('version numbers are per family and list covers every family', async () => {
  const registry = freshRegistry();
  await registry.register(run({ rmse: 1 }));
  const segmentation = await registry.register(run({ silhouette: 0.6 }, { artifact: artifact('segmentation') }));
  assert.equal(segmentation.version, 'segmentation-000001');
  assert.deepEqual(await registry.families(), ['price', 'segmentation']);
  assert.deepEqual((await registry.list()).map((v) => v.version), ['price-000001', 'segmentation-000001']);
});

test('loadArtifact returns the registered artefact, plain or gzip, by id, alias or record', async () => {
  const registry = freshRegistry();
  const plain = await registry.register(run({ rmse: 1 }));
  const packed = await registry.register(run({ rmse: 1 }, { artifact: artifact('price', [9, 8]), compress: true }));
  assert.equal(packed.artifact.encoding, 'json+gzip');
  assert.ok(packed.artifact.url.endsWith('.json.gz'));
  assert.deepEqual(await registry.loadArtifact('price-000001'), artifact());
  assert.deepEqual(await registry.loadArtifact(packed), artifact('price', [9, 8]));
  await registry.promote('price', plain.version);
  assert.deepEqual(await registry.loadArtifact(await registry.get('price', 'champion')), artifact());
});

test('a corrupt artefact is refused with a clear error and other versions still load', async () => {
  const registry = freshRegistry();
  const good = await registry.register(run({ rmse: 1 }));
  const bad = await registry.register(run({ rmse: 1 }, { artifact: artifact('price', [5]) }));
  const file = fileURLToPath(bad.artifact.url);
  writeFileSync(file, readFileSync(file, 'utf8').replace('5', '6'));
  await assert.rejects(registry.loadArtifact(bad.version), (err: unknown) => {
    assert.ok(err instanceof CorruptArtifactError);
    assert.equal(err.code, 'corrupt_artifact');
    assert.match(err.message, /price-000002.*sha256 .* does not match/);
    return true;
  });
  assert.deepEqual(await registry.loadArtifact(good.version), artifact());
});

test('evaluateForPromotion with a baseline: a first version worse than it stays challenger; one that recorded none is promoted', async () => {
  const rule = { ...RMSE, baseline: 'cost_plus_rmse' };
  const registry = freshRegistry();
  const worse = await registry.evaluateForPromotion('price', (await registry.register(run({ rmse: 1100, cost_plus_rmse: 1000 }))).version, rule);
  assert.deepEqual([worse.outcome, worse.championAfter, worse.candidateValue, worse.baselineValue], ['challenger', null, 1100, 1000]);
  assert.match(worse.reason, /no champion yet, but rmse 1100 is worse than its baseline's 1000 \(cost_plus_rmse, tolerance 0\)/);
  const tie = await registry.evaluateForPromotion('price', (await registry.register(run({ rmse: 1000, cost_plus_rmse: 1000 }))).version, rule);
  assert.equal(tie.outcome, 'promoted', 'as good as the baseline is not worse');
  const slack = freshRegistry();
  const within = await slack.evaluateForPromotion('price', (await slack.register(run({ rmse: 1040, cost_plus_rmse: 1000 }))).version, { ...rule, tolerance: 0.05 });
  assert.equal(within.outcome, 'promoted', 'the rule’s tolerance holds for the baseline as for a champion');

  const older = freshRegistry();
  const unmeasured = await older.evaluateForPromotion('price', (await older.register(run({ rmse: 1100 }))).version, rule);
  assert.deepEqual([unmeasured.outcome, unmeasured.reason], ['promoted', 'no champion yet']);
  await assert.rejects(older.evaluateForPromotion('price', 'price-000001', { ...RMSE, baseline: '' }), /rule.baseline must name a metric/);
});

test('evaluateForPromotion: no champion, better, worse, within tolerance, other holdout', async () => {
  const registry = freshRegistry();
  const v1 = await registry.register(run({ rmse: 100 }));
  const first = await registry.evaluateForPromotion('price', v1.version, RMSE);
  assert.equal(first.outcome, 'promoted');
  assert.equal(first.reason, 'no champion yet');

  const v2 = await registry.register(run({ rmse: 105 }));
  const worse = await registry.evaluateForPromotion('price', v2.version, RMSE);
  assert.equal(worse.outcome, 'challenger');
  assert.deepEqual([worse.candidateValue, worse.championValue], [105, 100]);
  assert.deepEqual(await registry.aliases('price'), { champion: v1.version, challenger: v2.version, previousChampions: [] });

  const tolerant = await registry.evaluateForPromotion('price', v2.version, { ...RMSE, tolerance: 0.05 });
  assert.equal(tolerant.outcome, 'promoted');
  assert.deepEqual(await registry.aliases('price'), { champion: v2.version, challenger: null, previousChampions: [v1.version] });

  const v3 = await registry.register(run({ rmse: 50 }, { holdoutId: 'holdout-2025-08' }));
  const elsewhere = await registry.evaluateForPromotion('price', v3.version, RMSE);
  assert.equal(elsewhere.outcome, 'challenger');
  assert.match(elsewhere.reason, /holdouts differ/);

  const v4 = await registry.register(run({ rmse: 104.9 }));
  assert.equal((await registry.evaluateForPromotion('price', v4.version, RMSE)).outcome, 'promoted');
  assert.equal((await registry.evaluateForPromotion('price', v4.version, RMSE)).outcome, 'unchanged');

  const log = await registry.decisions('price');
  assert.deepEqual(
    log.map((d) => [d.version, d.outcome, d.championBefore, d.championAfter]),
    [
      [v1.version, 'promoted', null, v1.version],
      [v2.version, 'challenger', v1.version, v1.version],
      [v2.version, 'promoted', v1.version, v2.version],
      [v3.version, 'challenger', v2.version, v2.version],
      [v4.version, 'promoted', v2.version, v4.version],
      [v4.version, 'unchanged', v4.version, v4.version],
    ],
  );
  assert.deepEqual(log[1].rule, RMSE);
  assert.equal(log[1].holdoutId, 'holdout-2025-07');
});

test('a higher-is-better metric promotes on increase only', async () => {
  const registry = freshRegistry();
  const rule = { metric: 'silhouette', direction: 'higher', tolerance: 0 } as const;
  const seg = (s: number) => run({ silhouette: s }, { artifact: artifact('segmentation') });
  const a = await registry.register(seg(0.5));
  await registry.evaluateForPromotion('segmentation', a.version, rule);
  const b = await registry.register(seg(0.45));
  assert.equal((await registry.evaluateForPromotion('segmentation', b.version, rule)).outcome, 'challenger');
  const c = await registry.register(seg(0.55));
  assert.equal((await registry.evaluateForPromotion('segmentation', c.version, rule)).outcome, 'promoted');
});

test('promote and rollback walk the champion history and are logged', async () => {
  const registry = freshRegistry();
  const [a, b, c] = [await registry.register(run({ rmse: 3 })), await registry.register(run({ rmse: 2 })), await registry.register(run({ rmse: 1 }))];
  await registry.promote('price', a.version);
  await registry.promote('price', b.version);
  await registry.promote('price', c.version);
  assert.equal((await registry.get('price', 'champion')).version, c.version);
  const back = await registry.rollback('price');
  assert.deepEqual([back.championBefore, back.championAfter, back.outcome], [c.version, b.version, 'rolled-back']);
  await registry.rollback('price');
  assert.equal((await registry.get('price', 'champion')).version, a.version);
  await assert.rejects(registry.rollback('price'), (err: unknown) => err instanceof NotFoundError && /no previous champion/.test(err.message));
  assert.deepEqual(
    (await registry.decisions('price')).map((d) => d.action),
    ['promote', 'promote', 'promote', 'rollback', 'rollback'],
  );
});

test('unknown versions, aliases and families give errors naming the field', async () => {
  const registry = freshRegistry();
  await assert.rejects(registry.get('price', 'champion'), (err: unknown) => err instanceof NotFoundError && /no champion yet/.test(err.message));
  await assert.rejects(registry.get('price', 'price-000042'), (err: unknown) => err instanceof NotFoundError && err.field === 'version');
  await assert.rejects(registry.get('price', 'demand-000001'), (err: unknown) => err instanceof InputError && err.field === 'version');
  await assert.rejects(registry.loadArtifact('latest'), (err: unknown) => err instanceof InputError && err.field === 'version');
  await assert.rejects(registry.list('Price!'), (err: unknown) => err instanceof InputError && err.field === 'family');
  await assert.rejects(registry.promote('price', 'price-000001'), NotFoundError);
});

test('bad registrations are refused before anything is written, naming the field', async () => {
  const registry = freshRegistry();
  const cases: Array<[Partial<VersionInput>, string]> = [
    [{ metrics: { rmse: Number.NaN } }, 'metrics.rmse'],
    [{ holdoutId: '' }, 'holdoutId'],
    [{ featuresVersion: ' ' }, 'featuresVersion'],
    [{ dataWindow: { from: 'yesterday', to: '2025-01-01' } }, 'dataWindow.from'],
    [{ dataWindow: { from: '2025-02-01', to: '2025-01-01' } }, 'dataWindow'],
    [{ artifact: { ...artifact(), family: 'Price Model' } }, 'family'],
  ];
  for (const [override, field] of cases) {
    await assert.rejects(registry.register(run({ rmse: 1 }, override)), (err: unknown) => err instanceof InputError && err.field === field, field);
  }
  assert.deepEqual(await registry.list(), []);
  await assert.rejects(
    registry.evaluateForPromotion('price', (await registry.register(run({ rmse: 1 }))).version, { metric: 'mape', direction: 'lower', tolerance: 0 }),
    (err: unknown) => err instanceof InputError && err.field === 'rule.metric',
  );
  await assert.rejects(
    registry.evaluateForPromotion('price', 'price-000001', { metric: 'rmse', direction: 'down' as 'lower', tolerance: 0 }),
    (err: unknown) => err instanceof InputError && err.field === 'rule.direction',
  );
});

test('locations: only file: URLs; the default is <dataDir>/models unless MODEL_REGISTRY_URL is set', () => {
  assert.throws(() => ModelRegistry.open('s3://spirit-models/prod'), (err: unknown) => err instanceof InputError && /scheme "s3" is not supported/.test(err.message));
  assert.throws(() => ModelRegistry.open('/no/scheme'), (err: unknown) => err instanceof InputError && err.field === 'location');
  assert.equal(registryLocation('/var/spirit', {}), 'file:///var/spirit/models');
  assert.equal(registryLocation('/var/spirit', { MODEL_REGISTRY_URL: 'file:///srv/models' }), 'file:///srv/models');
  // The variable is named, not the store's argument.
  for (const bad of ['/srv/models', 's3://spirit-models/prod']) {
    assert.throws(() => registryLocation('/var/spirit', { MODEL_REGISTRY_URL: bad }), (err: unknown) => err instanceof InputError && err.field === 'MODEL_REGISTRY_URL' && err.message.includes(bad), bad);
  }
});

test('a lock held too long gives an error naming the lock file and its holder', async () => {
  const registry = freshRegistry({ lockTimeoutMs: 100 });
  const release = await registry.store.lock('price/registry');
  try {
    await assert.rejects(registry.register(run({ rmse: 1 })), (err: unknown) => {
      assert.ok(err instanceof SpiritError);
      assert.equal(err.code, 'registry_locked');
      assert.match(err.message, /registry\.lock is still held .*"pid":/);
      return true;
    });
  } finally {
    await release();
  }
  assert.equal((await registry.register(run({ rmse: 1 }))).version, 'price-000001');
});

test('a fitted segmentation model goes through the registry and predicts identically when loaded back', async () => {
  const customers = syntheticCustomers(600, { seed: 4 });
  const model = await new CustomerSegmenter({ seed: 2, maxSegments: 5 }).fit(customers);
  const registry = freshRegistry();
  const version = await registry.register({
    dataWindow: { from: '2023-01-01', to: '2025-12-31' },
    featuresVersion: 'customer-features-v1',
    metrics: model.metrics(),
    holdoutId: 'customers-2025-12-31',
    artifact: model.toArtifact(),
    compress: true,
  });
  await registry.evaluateForPromotion('segmentation', version.version, { metric: 'silhouette', direction: 'higher', tolerance: 0 });
  const served = CustomerSegmenter.fromArtifact(await registry.loadArtifact(await registry.get('segmentation', 'champion')));
  assert.deepEqual(served.predict(customers.rows), model.predict(customers.rows));
  assert.equal(version.params.seed, 2);
});

test('lineage is a field: the versions of other families a version was trained with, each checked to exist', async () => {
  const registry = freshRegistry();
  const segmentation = await registry.register(run({ silhouette: 0.5 }, { artifact: artifact('segmentation') }));
  const price = await registry.register(run({ rmse: 1 }, { upstream: { segmentation: segmentation.version } }));
  assert.deepEqual(price.upstream, { segmentation: 'segmentation-000001' });
  assert.deepEqual((await registry.get('price', price.version)).upstream, { segmentation: 'segmentation-000001' });
  assert.deepEqual(segmentation.upstream, {});
  await assert.rejects(registry.register(run({ rmse: 1 }, { upstream: { segmentation: 'price-000001' } })), (err: unknown) => err instanceof InputError && err.field === 'upstream.segmentation');
  await assert.rejects(registry.register(run({ rmse: 1 }, { upstream: { segmentation: 'segmentation-000009' } })), (err: unknown) => err instanceof NotFoundError);
  assert.equal((await registry.list('price')).length, 1);
});

test('a version stored before lineage was a field is read with the lineage its features version carried', async () => {
  const registry = freshRegistry();
  const price = await registry.register(run({ rmse: 1 }, { featuresVersion: 'price-features-v1+segmentation-000003' }));
  const { upstream: _, ...stored } = price;
  await registry.store.put(`price/versions/${price.version}.json`, Buffer.from(JSON.stringify(stored)));
  assert.deepEqual((await registry.get('price', price.version)).upstream, { segmentation: 'segmentation-000003' });
  assert.deepEqual((await registry.list('price'))[0].upstream, { segmentation: 'segmentation-000003' });
  const plain = await registry.register(run({ rmse: 1 }, { featuresVersion: 'price-features-v1+no-segmentation' }));
  const { upstream: __, ...storedPlain } = plain;
  await registry.store.put(`price/versions/${plain.version}.json`, Buffer.from(JSON.stringify(storedPlain)));
  assert.deepEqual((await registry.get('price', plain.version)).upstream, {});
});

test('a version record or alias file that no longer parses is named in the error, not a stack trace', async () => {
  const root = path.join(scratch, `r${++registries}`);
  const registry = ModelRegistry.open(pathToFileURL(root).href);
  await registry.register(run({ rmse: 120 }));
  await registry.promote('price', 'price-000001', 'first');
  const record = path.join(root, 'price', 'versions', 'price-000001.json');
  writeFileSync(record, readFileSync(record, 'utf8').slice(0, 40));
  for (const read of [() => registry.list('price'), () => registry.get('price', 'price-000001'), () => registry.get('price', 'champion')]) {
    await assert.rejects(read(), (err: unknown) => err instanceof SpiritError && /price\/versions\/price-000001\.json is not valid JSON/.test(err.message));
  }
  writeFileSync(path.join(root, 'price', 'aliases.json'), '{"champion": "price-0');
  await assert.rejects(registry.aliases('price'), /price\/aliases\.json is not valid JSON/);
});
