import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import type { ClickHouseClient } from '@clickhouse/client';
import type { FastifyInstance } from 'fastify';
import { migrate } from '../../domain/migrate.ts';
import { PRICE_FEATURE_NAMES } from '../../features/price-feature-definitions.ts';
import { readPriceTrainingRows, toPriceTrainingSet } from '../../features/price-training-rows.ts';
import { PriceModel } from '../../models/price/price-model.ts';
import type { ModelVersion } from '../../models/registry/model-version.ts';
import { CustomerSegmenter } from '../../models/segmentation/customer-segmenter.ts';
import { embeddedPostgresUrl, freshDatabase, quietLog, testClickHouse, testConfig, useClickHouseDatabase, type TestDatabase } from '../../test/support/services.ts';
import { buildApp } from '../app.ts';
import { createApiKey } from '../auth/api-keys.ts';
import { listen, type HttpClient } from '../../test/support/http-client.ts';
import { buildServingWorld, type ServingWorld } from '../../test/worlds/serving-world.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const POLL_MS = 100;

describe('champion models: hot swap and a bad artefact', () => {
  let clickhouse: ClickHouseClient;
  let world: ServingWorld;
  let db: TestDatabase;
  let app: FastifyInstance;
  let http: HttpClient;
  let engineKey: string;
  let adminKey: string;
  const body = {
    quotation: { itineraryId: 1, departureDate: new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10), partySize: 2, cost: 1200 },
  };

  /** Trains and registers another price version on the same rows (a different seed gives different prices). */
  async function registerPrice(seed: number): Promise<ModelVersion> {
    const segmenter = CustomerSegmenter.fromArtifact(await world.registry.loadArtifact(world.versions.segmentation));
    const set = toPriceTrainingSet(await readPriceTrainingRows(clickhouse), { version: world.versions.segmentation.version, model: segmenter });
    const model = await new PriceModel({ learner: 'forest', trees: 15, maxDepth: 6, workers: 1, seed }).fit({ rows: set.quotations, featureNames: PRICE_FEATURE_NAMES });
    return world.registry.register({ artifact: model.toArtifact(), dataWindow: world.versions.price.dataWindow, featuresVersion: world.versions.price.featuresVersion, upstream: world.versions.price.upstream, metrics: { rmse: 1 }, holdoutId: 'test' });
  }

  /** Sends requests from `workers` concurrent callers until `until` resolves; every answer's status and version, in completion order. */
  async function underLoad(workers: number, until: Promise<unknown>) {
    const answers: Array<{ status: number; version: string | undefined; startedAt: number; endedAt: number }> = [];
    let done = false;
    void until.finally(() => (done = true));
    await Promise.all(
      Array.from({ length: workers }, async () => {
        while (!done) {
          const startedAt = performance.now();
          const response = await http.call('POST', '/v1/prices/suggest', { key: engineKey, body });
          answers.push({ status: response.status, version: response.body.suggestions?.[0]?.modelVersion, startedAt, endedAt: performance.now() });
        }
      }),
    );
    return answers;
  }

  async function serving(): Promise<{ serving: string; lastError: { version: string; message: string } | null }> {
    const status = await http.call('GET', '/v1/admin/models', { key: adminKey });
    return status.body.families.find((f: { family: string }) => f.family === 'price');
  }

  before(async () => {
    clickhouse = (await testClickHouse()).client;
    await useClickHouseDatabase(clickhouse, 'serving_hot_swap');
    world = await buildServingWorld(clickhouse, { customers: 120, seed: 5, families: ['segmentation', 'price'] });
    db = await freshDatabase(await embeddedPostgresUrl(), 'serving_hot_swap');
    await migrate(db.pool, quietLog);
    engineKey = (await createApiKey(db.pool, { name: 'engine', role: 'quotation-engine' })).key;
    adminKey = (await createApiKey(db.pool, { name: 'admin', role: 'admin' })).key;
    app = await buildApp({ config: testConfig(), log: quietLog, pg: db.pool, clickhouse, registry: world.registry, settings: { modelPollMs: POLL_MS, featureTimeoutMs: 20_000 } });
    http = await listen(app);
    // A first answer fills the feature cache, so the load below measures the swap and not ClickHouse.
    assert.equal((await http.call('POST', '/v1/prices/suggest', { key: engineKey, body })).status, 200);
  });
  after(async () => {
    await app?.close();
    await db?.drop();
  });

  it('swaps to a newly promoted champion while requests are in flight, and none of them fails', async () => {
    const next = await registerPrice(2);
    const swap = (async () => {
      await sleep(300);
      await world.registry.promote('price', next.version, 'hot swap test');
      for (const deadline = Date.now() + 10_000; Date.now() < deadline; await sleep(20)) {
        if ((await serving()).serving === next.version) break;
      }
      await sleep(300);
    })();
    const answers = await underLoad(8, swap);
    await swap;
    assert.ok(answers.length > 50, `${answers.length} requests`);
    assert.deepEqual([...new Set(answers.map((a) => a.status))], [200], 'every request answered 200');
    const versions = new Set(answers.map((a) => a.version));
    assert.deepEqual([...versions].sort(), [world.versions.price.version, next.version].sort());
    // Once one answer came from the new model, every request started later is answered by it too.
    const firstNew = Math.min(...answers.filter((a) => a.version === next.version).map((a) => a.endedAt));
    assert.ok(answers.filter((a) => a.startedAt > firstNew).every((a) => a.version === next.version));
    world.versions.price = next;
  });

  it('keeps the old model serving when a new champion’s artefact is corrupt, reports it, and loads the next good one', async () => {
    const broken = await registerPrice(3);
    fs.writeFileSync(path.join(world.registryDir, broken.artifact.key), '{"family":"price","formatVersion":1,"params":{},"state":{');
    const promoted = (async () => {
      await world.registry.promote('price', broken.version, 'corrupt artefact test');
      await sleep(6 * POLL_MS);
    })();
    const answers = await underLoad(4, promoted);
    assert.deepEqual([...new Set(answers.map((a) => a.status))], [200]);
    assert.deepEqual([...new Set(answers.map((a) => a.version))], [world.versions.price.version], 'the previous champion kept answering');
    const status = await serving();
    assert.equal(status.serving, world.versions.price.version);
    assert.equal(status.lastError?.version, broken.version);
    assert.match(status.lastError!.message, /corrupt/);
    const metrics = (await http.call('GET', '/metrics', { key: adminKey })).text;
    assert.match(metrics, /spirit_model_loads_total\{family="price",outcome="failed"\} 1\n/, 'a failed version is not retried on every poll');

    const reload = await http.call('POST', '/v1/admin/models/reload', { key: adminKey });
    assert.equal(reload.body.outcomes.price, 'failed', 'an explicit reload tries again');

    const good = await registerPrice(4);
    await world.registry.promote('price', good.version, 'recovery');
    for (const deadline = Date.now() + 10_000; Date.now() < deadline; await sleep(20)) {
      if ((await serving()).serving === good.version) break;
    }
    const recovered = await serving();
    assert.equal(recovered.serving, good.version);
    assert.equal(recovered.lastError, null);
    assert.equal((await http.call('POST', '/v1/prices/suggest', { key: engineKey, body })).body.suggestions[0].modelVersion, good.version);
  });

  it('keeps the old model when the new artefact is valid JSON of a format this code cannot read', async () => {
    const unreadable = await world.registry.register({
      artifact: { family: 'price', formatVersion: 99, params: {}, state: {} },
      dataWindow: world.versions.price.dataWindow,
      featuresVersion: world.versions.price.featuresVersion,
      metrics: { rmse: 1 },
      holdoutId: 'test',
    });
    const before = (await serving()).serving;
    await world.registry.promote('price', unreadable.version, 'unreadable format test');
    for (const deadline = Date.now() + 10_000; Date.now() < deadline; await sleep(20)) {
      if ((await serving()).lastError?.version === unreadable.version) break;
    }
    const status = await serving();
    assert.equal(status.serving, before);
    assert.match(status.lastError!.message, /format 99/);
    assert.equal((await http.call('POST', '/v1/prices/suggest', { key: engineKey, body })).status, 200);
  });
});
