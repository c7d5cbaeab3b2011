import { pathToFileURL } from 'node:url';
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import type pg from 'pg';
import { migrate } from '../../domain/migrate.ts';
import { seedSampleCatalogue } from '../worlds/sample-catalogue.ts';
import { ModelRegistry } from '../../models/registry/model-registry.ts';
import { migrateWarehouse } from '../../pipelines/warehouse/migrate.ts';
import { buildApp, type AppDeps } from '../../serving/app.ts';
import { createApiKey } from '../../serving/auth/api-keys.ts';
import { ROLES, type Role } from '../../platform/http/roles.ts';
import { reviewDesk } from '../../domain/review-desk/review-routes.ts';
import { reviewPage } from '../../domain/review-desk/review-page.ts';
import { quotationGraph } from '../../domain/graphql/graphql-plugin.ts';
import { personalData } from '../../domain/personal-data/personal-data-plugin.ts';
import { chatConversation } from '../../domain/chat/chat-plugin.ts';
import { listen, type HttpClient } from '../support/http-client.ts';
import { buildServingWorld } from '../worlds/serving-world.ts';
import { embeddedPostgresUrl, freshDatabase, quietLog, tempDir, testClickHouse, testConfig, useClickHouseDatabase, type TestDatabase } from '../support/services.ts';

/** A secret as an operator would generate it (48 random bytes, base64), so the API starts. */
export const OPERATOR_SECRET = 'q3T0vJc9XyF2mB7nL5wK8pR1sD4gH6zA0eU3iO9tY2xC5vN8bM1lQ7kJ4hG6fD3s';

export interface AttackedApi {
  app: FastifyInstance;
  http: HttpClient;
  db: TestDatabase;
  deps: AppDeps;
  /** A key per role, and each key's id. */
  keys: Record<Role, string>;
  keyIds: Record<Role, string>;
  close(): Promise<void>;
}

/**
 * The API as an attacker meets it: listening on a real port, on a real PostgreSQL (the booking system with its
 * sample catalogue), chDB and, when given, Redis; with the review desk and its page plugged in as `npm start` does.
 */
export async function startAttackedApi(
  label: string,
  options: { settings?: AppDeps['settings']; env?: Record<string, string>; pgBaseUrl?: string; withModels?: boolean; plugins?: (pool: pg.Pool) => FastifyPluginAsync[] } = {},
): Promise<AttackedApi> {
  const clickhouse = (await testClickHouse()).client;
  await useClickHouseDatabase(clickhouse, `attack_${label}`);
  await migrateWarehouse(clickhouse, quietLog);
  // With models, routes answer past validation too, so their deeper paths meet the hostile input.
  const world = options.withModels ? await buildServingWorld(clickhouse, { customers: 100, seed: 3 }) : undefined;
  const db = await freshDatabase(options.pgBaseUrl ?? (await embeddedPostgresUrl()), `attack_${label}`);
  await migrate(db.pool, quietLog);
  await seedSampleCatalogue(db.pool);
  const keys = {} as Record<Role, string>;
  const keyIds = {} as Record<Role, string>;
  for (const role of ROLES) {
    const created = await createApiKey(db.pool, { name: `${role} under attack`, role });
    keys[role] = created.key;
    keyIds[role] = created.id;
  }
  const deps: AppDeps = {
    config: testConfig(options.env),
    log: quietLog,
    pg: db.pool,
    clickhouse,
    registry: world?.registry ?? ModelRegistry.open(pathToFileURL(tempDir('registry')).href),
    settings: { jwtSecret: OPERATOR_SECRET, modelPollMs: 0, featureTimeoutMs: 200, ...options.settings },
    plugins: [reviewDesk({ pool: db.pool, clickhouse }), reviewPage(), quotationGraph({ pool: db.pool, log: quietLog }), chatConversation({ pool: db.pool, log: quietLog, redisUrl: options.env?.REDIS_URL }), personalData({ pg: db.pool, clickhouse }), ...(options.plugins?.(db.pool) ?? [])],
  };
  const app = await buildApp(deps);
  const http = await listen(app);
  return {
    app,
    http,
    db,
    deps,
    keys,
    keyIds,
    async close() {
      await app.close();
      await db.drop();
    },
  };
}
