import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ModelRegistry } from '../models/registry/model-registry.ts';
import { tempDir } from '../test/support/services.ts';
import { familiesToTrain, unservedFamilies } from './start-models.ts';

/**
 * `npm start` trains the families that have no model yet. One whose first version fell short of its baseline (a
 * challenger, no champion) was counted as missing too, so every later start retrained every family from the same
 * data, got the same verdict, and still served nothing of that family.
 */
test('npm start does not train again a family whose first version fell short of its baseline, and says why it is not served', async () => {
  const registry = ModelRegistry.open(pathToFileURL(path.join(tempDir('start-models'), 'registry')).href);
  const version = (family: string, metrics: Record<string, number>) =>
    registry.register({
      artifact: { family, formatVersion: 1, params: {}, state: {} },
      dataWindow: { from: '2023-01-01', to: '2025-07-01' },
      featuresVersion: 'v1',
      metrics,
      holdoutId: `${family}:2025-04-01..2025-07-01`,
    });
  const rule = { metric: 'rmse', direction: 'lower' as const, tolerance: 0.01, baseline: 'cost_plus_rmse' };
  const short = await registry.evaluateForPromotion('price', (await version('price', { rmse: 1300, cost_plus_rmse: 1000 })).version, rule);
  assert.equal(short.outcome, 'challenger');
  const served = await registry.evaluateForPromotion('demand', (await version('demand', { rmse: 900, cost_plus_rmse: 1000 })).version, rule);
  assert.equal(served.outcome, 'promoted');

  assert.deepEqual(await familiesToTrain(registry, ['price', 'demand', 'nlu']), ['nlu'], 'only the family never trained');
  const lines = await unservedFamilies(registry, ['price', 'demand', 'nlu']);
  assert.equal(lines.length, 1);
  assert.match(lines[0], /^price: no champion, its routes answer 503: no champion yet, but rmse 1300 is worse than its baseline's 1000 .*spirit-ml models promote price price-000001/);
});
