import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { migrate } from '../../domain/migrate.ts';
import { embeddedPostgresUrl, freshDatabase, quietLog, testClickHouse, testConfig, useClickHouseDatabase, type TestDatabase } from '../../test/support/services.ts';
import { buildApp } from '../app.ts';
import { createApiKey } from '../auth/api-keys.ts';
import type { Role } from '../../platform/http/roles.ts';
import { listen, type HttpClient } from '../../test/support/http-client.ts';
import { buildServingWorld, type ServingWorld } from '../../test/worlds/serving-world.ts';
import { INTENTS as CONTRACT_INTENTS } from '../../contract/messages.ts';
import { SERVICE_LEVELS as CONTRACT_SERVICE_LEVELS } from '../../contract/itineraries.ts';
import { INTENTS, SERVICE_LEVELS } from '../../models/nlu/intents.ts';

// The answer's schema lists what the model may say; a label the contract lacks would be an answer clients refuse.
it('the contract lists exactly the intents and service levels the nlu model gives', () => {
  assert.deepEqual([...CONTRACT_INTENTS], [...INTENTS]);
  assert.deepEqual([...CONTRACT_SERVICE_LEVELS], [...SERVICE_LEVELS]);
});

describe('POST /v1/messages/understand', () => {
  let world: ServingWorld;
  let db: TestDatabase;
  let app: FastifyInstance;
  let http: HttpClient;
  const keys = {} as Record<Role, string>;
  const understand = (body: unknown, role: Role = 'quotation-engine') => http.call('POST', '/v1/messages/understand', { key: keys[role], body });

  before(async () => {
    const clickhouse = (await testClickHouse()).client;
    await useClickHouseDatabase(clickhouse, 'serving_messages');
    world = await buildServingWorld(clickhouse, { customers: 40, seed: 5, families: ['nlu'] });
    db = await freshDatabase(await embeddedPostgresUrl(), 'serving_messages');
    await migrate(db.pool, quietLog);
    for (const role of ['quotation-engine', 'pricing-manager', 'analyst', 'admin'] as const) keys[role] = (await createApiKey(db.pool, { name: role, role })).key;
    app = await buildApp({ config: testConfig(), log: quietLog, pg: db.pool, clickhouse, registry: world.registry, settings: { modelPollMs: 0, requestLogFlushMs: 60_000 } });
    http = await listen(app);
  });
  after(async () => {
    await app?.close();
    await db?.drop();
  });

  it('understands a Spanish quote request with every entity kind, and asks nothing more', async () => {
    const text = 'Hola! quiero cotizar machu pichu para mis papás y yo, 4 noches desde el 12 de abril, presupuesto 2 mil dólares, hotel de lujo 😊';
    const response = await understand({ text, today: '2026-03-10' });
    assert.equal(response.status, 200, response.text);
    assert.deepEqual(response.body, {
      intent: 'quotation_request',
      confidence: response.body.confidence,
      language: 'es',
      tone: 'positive',
      entities: {
        destination: 'Cusco & Machu Picchu',
        destinationCode: 'cusco',
        date_from: '2026-04-12',
        date_to: '2026-04-16',
        party_size: 3,
        budget: { amount: 2000, currency: 'USD' },
        service_level: 'luxury',
      },
      missing: [],
      nextQuestion: 'Perfecto, con estos datos preparamos su cotización.',
      modelVersion: world.versions.nlu.version,
    });
    assert.ok(response.body.confidence > 0.5);
  });

  it('says what is missing and asks for it in English, with an apology first when the customer is upset', async () => {
    const calm = await understand({ text: 'how much is the Sacred Valley for a family of four?', today: '2026-03-10' });
    assert.equal(calm.status, 200, calm.text);
    assert.equal(calm.body.intent, 'quotation_request');
    assert.deepEqual(calm.body.missing, ['dates']);
    assert.equal(calm.body.nextQuestion, 'Which dates are you thinking of travelling?');
    const upset = await understand({ text: 'nobody answers me, terrible service. I need a price for Cusco!!', today: '2026-03-10' });
    assert.equal(upset.body.tone, 'negative');
    assert.match(upset.body.nextQuestion, /^We are very sorry for the trouble\. /);
    const support = await understand({ text: 'el guía nunca llegó, estamos esperando en el hotel', today: '2026-03-10' });
    assert.equal(support.body.intent, 'support');
    assert.equal(support.body.language, 'es');
  });

  it('answers the quotation engine and admins only', async () => {
    const body = { text: 'hola' };
    assert.equal((await understand(body, 'admin')).status, 200);
    assert.equal((await understand(body, 'analyst')).status, 403);
    assert.equal((await understand(body, 'pricing-manager')).status, 403);
    assert.equal((await http.call('POST', '/v1/messages/understand', { body })).status, 401);
  });

  it('refuses empty, oversized and binary messages with a 400 naming the field, never a 500', async () => {
    const cases: Array<[unknown, string]> = [
      [{}, 'text'],
      [{ text: '' }, 'text'],
      [{ text: '   \n ' }, 'text'],
      [{ text: 'é'.repeat(6000) }, 'text'],
      [{ text: 'a'.repeat(10_241) }, 'text'],
      [{ text: 'hola\u0000' }, 'text'],
      [{ text: 'PK\u0003\u0004\u0014\u0000binary' }, 'text'],
      [{ text: 'GIF89a\u0001\u0002' }, 'text'],
      [{ text: 42 }, 'text'],
      [{ text: 'hola', today: 'mañana' }, 'today'],
      // Dates resolved from it would run past year 9999 (a 500 before).
      [{ text: 'cusco el 15 de julio para 2', today: '9999-12-31' }, 'today'],
      [{ text: 'hola', sessionId: 'x' }, 'sessionId'],
    ];
    for (const [body, field] of cases) {
      const response = await understand(body);
      assert.equal(response.status, 400, `${JSON.stringify(body).slice(0, 60)}: ${response.text}`);
      assert.equal(response.body.field, field, response.text);
    }
    const invalidJson = await http.call('POST', '/v1/messages/understand', { key: keys['quotation-engine'], rawBody: '{"text": "hola', headers: { 'content-type': 'application/json' } });
    assert.equal(invalidJson.status, 400);
  });

  it('answers a message in another language or with nothing readable politely, as general', async () => {
    for (const text of ['Bonjour, je voudrais réserver un voyage pour nous deux', '你好，我想去马丘比丘', '🙂🙂🙂']) {
      const response = await understand({ text, today: '2026-03-10' });
      assert.equal(response.status, 200, response.text);
      assert.equal(response.body.intent, 'general', text);
      assert.equal(response.body.confidence, 0);
      assert.match(response.body.nextQuestion, /español o en inglés.*Spanish or English/);
    }
  });

  it('is in the OpenAPI document with its roles', async () => {
    const docs = await http.call('GET', '/docs/json');
    const operation = docs.body.paths['/v1/messages/understand']?.post;
    assert.ok(operation, 'documented');
    assert.match(operation.description, /Roles: quotation-engine, admin\./);
    assert.deepEqual(operation.requestBody.content['application/json'].schema.required, ['text']);
  });
});
