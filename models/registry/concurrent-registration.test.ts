import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ModelRegistry } from './model-registry.ts';

const scratch = mkdtempSync(path.join(os.tmpdir(), 'spirit-registry-race-'));
process.on('exit', () => rmSync(scratch, { recursive: true, force: true }));
const registryModule = new URL('./model-registry.ts', import.meta.url).href;

/** A separate Node process registering `count` versions of `price` as fast as it can. */
function registerInChild(location: string, label: string, count: number): Promise<string[]> {
  const script = `
    import { ModelRegistry } from ${JSON.stringify(registryModule)};
    const registry = ModelRegistry.open(${JSON.stringify(location)});
    const versions = [];
    for (let i = 0; i < ${count}; i++) {
      const artifact = { family: 'price', formatVersion: 1, params: {}, state: { by: ${JSON.stringify(label)}, i } };
      const v = await registry.register({ dataWindow: { from: '2024-01-01', to: '2024-12-31' }, featuresVersion: 'f1', metrics: { rmse: i }, holdoutId: 'h1', artifact });
      versions.push(v.version);
    }
    process.stdout.write(JSON.stringify(versions));
  `;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('close', (code) => (code === 0 ? resolve(JSON.parse(out) as string[]) : reject(new Error(`child ${label} exited ${code}: ${err}`))));
  });
}

test('two processes registering at once never get the same version number', async () => {
  const location = pathToFileURL(path.join(scratch, 'models')).href;
  const perProcess = 15;
  const [a, b] = await Promise.all([registerInChild(location, 'a', perProcess), registerInChild(location, 'b', perProcess)]);
  const all = [...a, ...b].sort();
  assert.equal(new Set(all).size, 2 * perProcess, 'duplicate version numbers');
  assert.deepEqual(all, Array.from({ length: 2 * perProcess }, (_, i) => `price-${String(i + 1).padStart(6, '0')}`));
  // Each process sees its own numbers increase.
  for (const mine of [a, b]) assert.deepEqual(mine, [...mine].sort());
  const registry = ModelRegistry.open(location);
  const records = await registry.list('price');
  assert.equal(records.length, 2 * perProcess);
  for (const record of records) {
    const artifact = (await registry.loadArtifact(record)) as { state: { by: string; i: number } };
    assert.equal(record.metrics.rmse, artifact.state.i, `${record.version} points at another run's artefact`);
  }
});
