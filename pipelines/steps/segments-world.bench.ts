import { pathToFileURL } from 'node:url';
import { generateWorld } from '../../domain/generator/index.ts';
import { readCustomerFeatures } from '../../features/customer-features.ts';
import { adjustedRandIndex } from '../../models/segmentation/adjusted-rand-index.ts';
import { CustomerSegmenter } from '../../models/segmentation/customer-segmenter.ts';
import { MODEL_FAMILIES } from '../../models/families.ts';
import { ingestStep } from '../ingest/ingest-step.ts';
import type { StepContext } from '../step.ts';
import { migrateWarehouse } from '../warehouse/migrate.ts';
import { embeddedPostgresUrl, freshDatabase, quietLog, testClickHouse, testConfig, useClickHouseDatabase } from '../../test/support/services.ts';
import { buildFeaturesStep } from './build-features.ts';
import { BEHAVIOURAL_FEATURES, chooseFeatureSet, columnsOf, SEGMENTATION_EMPHASISED, SEGMENTATION_FEATURES } from './train-segments.ts';

/**
 * Segments on a generated world against the generator's true ones (issue 24), for sets of customer features:
 * the seven behavioural ones (the baseline: what issue 3 segmented on), every customer feature, and the set
 * train-segments uses, with and without its emphasis on age. k is chosen by silhouette in each, in the pipeline's range. `full`: 3,000 customers × 3 years; `small`: 1,200.
 * Standalone: `node --import tsx pipelines/steps/segments-world.bench.ts [--small]`.
 */
export const title = 'Customer segments on a generated world: ARI vs the true segments, behavioural features vs with what customers ask for';

const K_RANGE = MODEL_FAMILIES.segmentation.params;

export async function run(ctx: { scale: 'small' | 'full'; log: (msg: string) => void }): Promise<Record<string, unknown>> {
  const customers = ctx.scale === 'small' ? 1200 : 3000;
  const db = await freshDatabase(await embeddedPostgresUrl(), 'segments_bench');
  try {
    const { client } = await testClickHouse();
    await useClickHouseDatabase(client, 'segments_bench');
    await migrateWarehouse(client, quietLog);
    const world = await generateWorld(db.pool, { customers, years: 3, seed: 42, endDate: '2025-07-01', log: quietLog });
    const context: StepContext = { config: testConfig(), log: quietLog, pg: db.pool, clickhouse: client, registry: undefined as never, runId: 'bench', params: { seed: 1 } };
    await ingestStep.run(context);
    await buildFeaturesStep.run(context);
    const data = await readCustomerFeatures(client);
    const truth = new Map(world.truth.customers.map((c) => [c.id, c.segment]));
    const trueSegments = data.customerIds.map((id) => truth.get(id)!);
    const figures: Record<string, unknown> = { customers: data.rows.length, trueSegments: new Set(trueSegments).size };
    const sets: Array<[string, readonly string[], readonly string[]]> = [
      ['behavioural (baseline)', BEHAVIOURAL_FEATURES, []],
      ['every customer feature', data.featureNames, []],
      ['train-segments set, age not emphasised', SEGMENTATION_FEATURES, []],
      ['train-segments set', SEGMENTATION_FEATURES, SEGMENTATION_EMPHASISED],
    ];
    for (const [name, featureNames, emphasised] of sets) {
      const rows = columnsOf(data, featureNames);
      const started = performance.now();
      const model = await new CustomerSegmenter({ seed: 1, emphasised, minSegments: K_RANGE.minSegments.default, maxSegments: K_RANGE.maxSegments.default }).fit({ customerIds: data.customerIds, featureNames, rows });
      const seconds = (performance.now() - started) / 1000;
      const { segments, silhouette } = model.metrics();
      figures[name] = { features: featureNames.length, k: segments, silhouette: Number(silhouette.toFixed(3)), ari: Number(adjustedRandIndex(model.predict(rows), trueSegments).toFixed(3)), fitSeconds: Number(seconds.toFixed(2)) };
      figures[`${name}: names`] = model.profiles().map((p) => `${p.name} (${p.description})`).join('; ');
      ctx.log(`${name}: ${JSON.stringify(figures[name])}`);
    }
    // What train-segments would choose on this world, on validation customers (every customer here is training).
    const { chosen, compared } = await chooseFeatureSet(data, { seed: 1, minSegments: K_RANGE.minSegments.default, maxSegments: K_RANGE.maxSegments.default, searchSample: K_RANGE.searchSample.default, silhouetteSample: K_RANGE.silhouetteSample.default });
    figures['train-segments choice on validation customers'] = {
      chosen: chosen.set.name,
      compared: Object.fromEntries(compared.map((c) => [c.set.name, { silhouette: Number(c.silhouette.toFixed(3)), stability: Number(c.stability.toFixed(3)) }])),
    };
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
