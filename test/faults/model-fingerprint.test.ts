import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ClickHouseClient } from '@clickhouse/client';
import type { FastifyInstance } from 'fastify';
import { migrate } from '../../domain/migrate.ts';
import { PRICE_FEATURE_NAMES } from '../../features/price-feature-definitions.ts';
import { readPriceTrainingRows, toPriceTrainingSet } from '../../features/price-training-rows.ts';
import type { ModelArtifact } from '../../models/contract.ts';
import { PriceModel } from '../../models/price/price-model.ts';
import type { ModelVersion } from '../../models/registry/model-version.ts';
import { CustomerSegmenter } from '../../models/segmentation/customer-segmenter.ts';
import { ItineraryRecommender } from '../../models/recommender/recommender.ts';
import { readInteractions } from '../../features/interactions.ts';
import { readItineraryCatalogue } from '../../features/recommender-catalogue.ts';
import { createLogger } from '../../platform/log.ts';
import { buildApp } from '../../serving/app.ts';
import { createApiKey } from '../../serving/auth/api-keys.ts';
import { listen, type HttpClient } from '../support/http-client.ts';
import { buildServingWorld, type ServingWorld } from '../worlds/serving-world.ts';
import { embeddedPostgresUrl, freshDatabase, quietLog, testClickHouse, testConfig, useClickHouseDatabase, type TestDatabase } from '../support/services.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Reproduced in the faults review (#22, point 5): a copy of the price model with `featureNames` cut to 3 — valid
 * gzip, correct checksum — was promoted, hot-loaded and served higher prices with no error. A version now
 * records a fingerprint at training (its features, their definitions' version, its prices for a few probe
 * quotations); loading refuses an artefact that does not match the served features or does not reproduce the
 * fingerprint, keeps the previous model and says so.
 */
type PriceState = { featureNames: string[]; learnerArtifact: unknown; learner: string };

describe('a price artefact that is not the model that was trained', () => {
  let clickhouse: ClickHouseClient;
  let world: ServingWorld;
  let db: TestDatabase;
  let app: FastifyInstance;
  let http: HttpClient;
  let engineKey: string;
  let adminKey: string;
  let good: ModelVersion;
  let goodArtifact: ModelArtifact<PriceState>;
  let goodPrice: number;
  const logLines: string[] = [];
  const body = { quotation: { itineraryId: 1, departureDate: new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10), partySize: 2, cost: 1200 } };

  async function price(): Promise<{ version: string; price: number }> {
    const answer = await http.call('POST', '/v1/prices/suggest', { key: engineKey, body });
    assert.equal(answer.status, 200, answer.text);
    return { version: answer.body.suggestions[0].modelVersion, price: answer.body.suggestions[0].modelPrice };
  }

  async function priceStatus(): Promise<{ serving: string; lastError: { version: string; message: string } | null }> {
    const status = await http.call('GET', '/v1/admin/models', { key: adminKey });
    return status.body.families.find((f: { family: string }) => f.family === 'price');
  }

  /** Registers `artifact` as a new version (gzip, checksum computed by the registry) and promotes it; waits for the API's verdict. */
  async function promoteCopy(artifact: ModelArtifact, fingerprint: ModelVersion['fingerprint']): Promise<ModelVersion> {
    const copy = await world.registry.register({ artifact, dataWindow: good.dataWindow, featuresVersion: good.featuresVersion, upstream: good.upstream, metrics: good.metrics, holdoutId: good.holdoutId, compress: true, fingerprint });
    await world.registry.promote('price', copy.version, 'fingerprint test');
    for (const deadline = Date.now() + 10_000; Date.now() < deadline; await sleep(20)) {
      const status = await priceStatus();
      if (status.serving === copy.version || status.lastError?.version === copy.version) break;
    }
    return copy;
  }

  before(async () => {
    clickhouse = (await testClickHouse()).client;
    await useClickHouseDatabase(clickhouse, 'faults_fingerprint');
    world = await buildServingWorld(clickhouse, { customers: 120, seed: 9, families: ['segmentation', 'price', 'recommender', 'demand'] });
    good = world.versions.price;
    goodArtifact = (await world.registry.loadArtifact(good)) as ModelArtifact<PriceState>;
    db = await freshDatabase(await embeddedPostgresUrl(), 'faults_fingerprint');
    await migrate(db.pool, quietLog);
    engineKey = (await createApiKey(db.pool, { name: 'engine', role: 'quotation-engine' })).key;
    adminKey = (await createApiKey(db.pool, { name: 'admin', role: 'admin' })).key;
    app = await buildApp({
      config: testConfig(),
      log: createLogger('info', {}, (line) => logLines.push(line)),
      pg: db.pool,
      clickhouse,
      registry: world.registry,
      settings: { modelPollMs: 100, featureTimeoutMs: 20_000 },
    });
    http = await listen(app);
    const first = await price();
    assert.equal(first.version, good.version, 'the trained model, with its fingerprint, loads and serves');
    goodPrice = first.price;
  });
  after(async () => {
    await app?.close();
    await db?.drop();
  });

  it('records a fingerprint at training: the features, their definitions, prices for probe quotations', () => {
    assert.deepEqual(good.fingerprint?.featureNames, [...PRICE_FEATURE_NAMES]);
    assert.equal(good.fingerprint?.featuresVersion, good.featuresVersion);
    assert.ok((good.fingerprint?.probes.length ?? 0) >= 3);
  });

  it('refuses the issue’s copy with featureNames cut to 3, keeps the previous model, and says so', async () => {
    const cut = structuredClone(goodArtifact);
    cut.state.featureNames = cut.state.featureNames.slice(0, 3);
    const copy = await promoteCopy(cut, good.fingerprint);
    const status = await priceStatus();
    assert.equal(status.serving, good.version, 'the previous model keeps serving');
    assert.equal(status.lastError?.version, copy.version);
    assert.match(status.lastError!.message, /does not match the served price features/);
    assert.deepEqual(await price(), { version: good.version, price: goodPrice }, 'prices unchanged');
    const said = logLines.map((l) => JSON.parse(l) as { msg: string; version?: string; serving?: string }).find((l) => l.version === copy.version);
    assert.equal(said?.msg, 'champion model failed to load; the previous model keeps serving');
    assert.equal(said?.serving, good.version);
  });

  it('refuses a copy with every feature but another model’s trees, which does not reproduce the fingerprint', async () => {
    const segmenter = CustomerSegmenter.fromArtifact(await world.registry.loadArtifact(world.versions.segmentation));
    const set = toPriceTrainingSet(await readPriceTrainingRows(clickhouse), { version: world.versions.segmentation.version, model: segmenter });
    const other = await new PriceModel({ learner: 'forest', trees: 15, maxDepth: 6, workers: 1, seed: 2 }).fit({ rows: set.quotations, featureNames: PRICE_FEATURE_NAMES });
    const swapped = structuredClone(goodArtifact);
    const otherState = (other.toArtifact() as ModelArtifact<PriceState>).state;
    swapped.state.learner = otherState.learner;
    swapped.state.learnerArtifact = otherState.learnerArtifact;
    const copy = await promoteCopy(swapped, good.fingerprint);
    const status = await priceStatus();
    assert.equal(status.serving, good.version);
    assert.equal(status.lastError?.version, copy.version);
    assert.match(status.lastError!.message, /does not reproduce its training predictions/);
    assert.deepEqual(await price(), { version: good.version, price: goodPrice });
  });

  it('refuses a segmentation artefact whose centroids were reordered: it does not reproduce its fingerprint', async () => {
    const families = async () => (await http.call('GET', '/v1/admin/models', { key: adminKey })).body.families.find((f: { family: string }) => f.family === 'segmentation');
    const trained = world.versions.segmentation;
    assert.ok((trained.fingerprint?.probes.length ?? 0) >= 5, 'the segmentation version recorded a fingerprint');
    assert.equal((await families()).serving, trained.version, 'and loaded against it');
    const artifact = (await world.registry.loadArtifact(trained)) as ModelArtifact<{ centroids: number[][] }>;
    artifact.state.centroids.reverse();
    const copy = await world.registry.register({ artifact, dataWindow: trained.dataWindow, featuresVersion: trained.featuresVersion, metrics: trained.metrics, holdoutId: trained.holdoutId, fingerprint: trained.fingerprint });
    await world.registry.promote('segmentation', copy.version, 'fingerprint test');
    for (const deadline = Date.now() + 10_000; Date.now() < deadline; await sleep(20)) if ((await families()).lastError?.version === copy.version) break;
    const status = await families();
    assert.equal(status.serving, trained.version);
    assert.match(status.lastError.message, /does not reproduce its training predictions/);
  });

  it('refuses a recommender artefact with another training’s factors: it does not reproduce its fingerprint', async () => {
    const status = async () => (await http.call('GET', '/v1/admin/models', { key: adminKey })).body.families.find((f: { family: string }) => f.family === 'recommender');
    const trained = world.versions.recommender;
    assert.ok((trained.fingerprint?.probes.length ?? 0) >= 2, 'the recommender version recorded a fingerprint');
    assert.equal((await status()).serving, trained.version, 'and loaded against it');
    const catalogue = await readItineraryCatalogue(clickhouse);
    const other = await new ItineraryRecommender({ factors: 8, iterations: 4, workers: 1, seed: 2 }).fit({ interactions: await readInteractions(clickhouse), items: catalogue.items });
    const copy = await world.registry.register({ artifact: other.toArtifact(), dataWindow: trained.dataWindow, featuresVersion: trained.featuresVersion, metrics: trained.metrics, holdoutId: trained.holdoutId, fingerprint: trained.fingerprint });
    await world.registry.promote('recommender', copy.version, 'fingerprint test');
    for (const deadline = Date.now() + 10_000; Date.now() < deadline; await sleep(20)) if ((await status()).lastError?.version === copy.version) break;
    const after = await status();
    assert.equal(after.serving, trained.version);
    assert.match(after.lastError.message, /does not reproduce its training predictions/);
  });

  it('refuses a demand artefact whose series were given each other’s fitted models: it does not reproduce its fingerprint', async () => {
    const status = async () => (await http.call('GET', '/v1/admin/models', { key: adminKey })).body.families.find((f: { family: string }) => f.family === 'demand');
    const trained = world.versions.demand;
    assert.ok((trained.fingerprint?.probes.length ?? 0) >= 2, 'the demand version recorded a fingerprint');
    assert.equal((await status()).serving, trained.version, 'and loaded against it');
    const artifact = (await world.registry.loadArtifact(trained)) as ModelArtifact<{ series: Array<{ id: string; models: unknown[] }> }>;
    const destination = artifact.state.series.map((s) => s.id.split('/')).find((parts) => parts[0] === 'destination' && parts[2] === 'travellers')![1];
    const outlook = async () => {
      const answer = await http.call('GET', `/v1/demand?destination=${destination}`, { key: adminKey });
      assert.equal(answer.status, 200, answer.text);
      return { version: answer.body.modelVersion, forecast: answer.body.forecast };
    };
    const served = await outlook();
    assert.equal(served.version, trained.version);
    // Same checksum discipline as the others: a valid artefact, registered again, whose state is not the trained one.
    const models = artifact.state.series.map((s) => s.models);
    artifact.state.series.forEach((s, i) => (s.models = models[(i + 1) % models.length]));
    const copy = await world.registry.register({ artifact, dataWindow: trained.dataWindow, featuresVersion: trained.featuresVersion, metrics: trained.metrics, holdoutId: trained.holdoutId, compress: true, fingerprint: trained.fingerprint });
    await world.registry.promote('demand', copy.version, 'fingerprint test');
    for (const deadline = Date.now() + 10_000; Date.now() < deadline; await sleep(20)) if ((await status()).lastError?.version === copy.version) break;
    const after = await status();
    assert.equal(after.serving, trained.version, 'the previous demand model keeps serving');
    assert.equal(after.lastError?.version, copy.version);
    assert.match(after.lastError.message, /does not reproduce its training predictions/);
    assert.deepEqual(await outlook(), served, 'forecasts unchanged');
  });

  it('refuses a copy registered without a fingerprint when it does not read the served features', async () => {
    const cut = structuredClone(goodArtifact);
    cut.state.featureNames = cut.state.featureNames.slice(0, 3);
    const copy = await promoteCopy(cut, undefined);
    const status = await priceStatus();
    assert.equal(status.serving, good.version);
    assert.equal(status.lastError?.version, copy.version);
    assert.deepEqual(await price(), { version: good.version, price: goodPrice });
  });
});
