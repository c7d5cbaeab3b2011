import { pathToFileURL } from 'node:url';
import { generateWorld } from '../../domain/generator/index.ts';
import { ModelRegistry } from '../../models/registry/model-registry.ts';
import { adjustedRandIndex } from '../../models/segmentation/adjusted-rand-index.ts';
import { queryRows } from '../../features/warehouse-query.ts';
import { ingestStep } from '../ingest/ingest-step.ts';
import type { StepContext } from '../step.ts';
import { migrateWarehouse } from '../warehouse/migrate.ts';
import { embeddedPostgresUrl, freshDatabase, quietLog, tempDir, testClickHouse, testConfig, useClickHouseDatabase } from '../../test/support/services.ts';
import { NIGHTLY_STEPS } from './index.ts';
import { FAMILY_PROMOTIONS } from './support/promotion.ts';

/**
 * The nightly steps on a generated world, with their default sizes (what `npm start` runs): seconds per step (wall
 * and CPU, worker threads included), each family's held-out metric next to its baseline, and the segments' agreement
 * with the world's true ones. `full`: 3,000 customers × 3 years (npm start's world); `small`: 1,000.
 * Standalone: `node --import tsx pipelines/steps/nightly-steps.bench.ts [--small]`.
 */
export const title = 'Nightly feature and training steps on a generated world';

export async function run(ctx: { scale: 'small' | 'full'; log: (msg: string) => void }): Promise<Record<string, unknown>> {
  const customers = ctx.scale === 'small' ? 1000 : 3000;
  const db = await freshDatabase(await embeddedPostgresUrl(), 'nightly_bench');
  try {
    const { client } = await testClickHouse();
    await useClickHouseDatabase(client, 'nightly_bench');
    await migrateWarehouse(client, quietLog);
    const world = await generateWorld(db.pool, { customers, years: 3, seed: 42, endDate: '2025-07-01', log: quietLog });
    const registry = ModelRegistry.open(pathToFileURL(tempDir('registry')).href);
    const context: StepContext = { config: testConfig(), log: quietLog, pg: db.pool, clickhouse: client, registry, runId: 'bench', params: { seed: 1 } };
    const figures: Record<string, unknown> = { customers, years: 3, bookings: world.counts.bookings, quotations: world.counts.quotations };
    let totalWall = 0;
    let totalCpu = 0;
    for (const step of [ingestStep, ...NIGHTLY_STEPS]) {
      const cpu = process.cpuUsage();
      const started = performance.now();
      await step.run(context);
      const wall = (performance.now() - started) / 1000;
      const used = process.cpuUsage(cpu);
      const cpuSeconds = (used.user + used.system) / 1e6;
      if (step.name !== 'ingest') {
        totalWall += wall;
        totalCpu += cpuSeconds;
      }
      figures[`${step.name} seconds (wall / cpu)`] = `${wall.toFixed(1)} / ${cpuSeconds.toFixed(1)}`;
      ctx.log(`${step.name}: ${wall.toFixed(1)} s`);
    }
    figures['feature and model steps, seconds (wall / cpu)'] = `${totalWall.toFixed(1)} / ${totalCpu.toFixed(1)}`;
    for (const p of FAMILY_PROMOTIONS) {
      const v = await registry.get(p.family, 'champion');
      figures[`${p.family}: ${p.rule.metric} vs ${p.baseline}`] = `${v.metrics[p.rule.metric].toFixed(3)} vs ${v.metrics[p.baseline].toFixed(3)}`;
    }
    const rec = await registry.get('recommender', 'champion');
    figures['recommender: algorithm, NDCG@10 popularity / SVD / ALS'] = `${rec.params.algorithm}, ${[rec.metrics.popularity_ndcg10, rec.metrics.svd_ndcg10, rec.metrics.als_ndcg10].map((x) => x.toFixed(3)).join(' / ')}`;
    const price = await registry.get('price', 'champion');
    figures['price: RMSE model / cost-plus / ridge, 80% range held'] = `${[price.metrics.rmse, price.metrics.cost_plus_rmse, price.metrics.ridge_rmse].map((x) => x.toFixed(0)).join(' / ')}, ${price.metrics.coverage80.toFixed(3)}`;
    const assigned = await queryRows<{ customer_id: string; segment: number }>(client, `SELECT customer_id, segment FROM customer_segments_current`);
    const truth = new Map(world.truth.customers.map((c) => [c.id, c.segment]));
    figures['segments: k, ARI vs the world’s 6 segments'] = `${(await registry.get('segmentation', 'champion')).metrics.segments}, ${adjustedRandIndex(assigned.map((r) => r.segment), assigned.map((r) => truth.get(Number(r.customer_id))!)).toFixed(3)}`;
    return figures;
  } finally {
    await db.drop();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const scale = process.argv.includes('--small') ? 'small' : 'full';
  console.log(JSON.stringify(await run({ scale, log: (m) => console.error(`[bench] ${m}`) }), null, 2));
  process.exit(0);
}
