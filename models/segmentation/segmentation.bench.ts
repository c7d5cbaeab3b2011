/**
 * Benchmark of the segmentation family on synthetic customers from 4 known segments: fit time, predict
 * throughput, chosen k and agreement with the truth (ARI) at 10k and 100k customers, against k-means on raw
 * features (same k, no scaling) and, when /usr/bin/python3 has scikit-learn, the same pipeline there
 * (median imputation, StandardScaler, PCA to 90% variance, KMeans n_init=3, k by sampled silhouette).
 * Shaped like a bench/*.bench.ts module; run it directly: `node --import tsx models/segmentation/segmentation.bench.ts`.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { kmeans } from 'ml-kmeans';
import { adjustedRandIndex } from './adjusted-rand-index.ts';
import { CustomerSegmenter } from './customer-segmenter.ts';
import { LATENT_SEGMENTS, syntheticCustomers } from './synthetic-customers.ts';

export const title = 'Customer segmentation: k by silhouette, ARI vs the true segments, vs raw k-means and scikit-learn';

const SKLEARN = `
import sys, time, json
import numpy as np
from sklearn.impute import SimpleImputer
from sklearn.preprocessing import StandardScaler
from sklearn.decomposition import PCA
from sklearn.cluster import KMeans
from sklearn.metrics import silhouette_score, adjusted_rand_score
data = np.genfromtxt(sys.argv[1], delimiter=',')
x, truth = data[:, :-1], data[:, -1]
t = time.perf_counter()
z = StandardScaler().fit_transform(SimpleImputer(strategy='median').fit_transform(x))
p = PCA(n_components=0.9, svd_solver='full').fit_transform(z)
best = None
for k in range(2, 9):
    km = KMeans(n_clusters=k, n_init=3, random_state=0).fit(p)
    s = silhouette_score(p, km.labels_, sample_size=min(2000, len(p)), random_state=0)
    if best is None or s > best[0]: best = (s, k, km.labels_)
print(json.dumps({"seconds": time.perf_counter() - t, "k": best[1], "ari": adjusted_rand_score(truth, best[2])}))
`;

function sklearn(rows: readonly (readonly number[])[], truth: number[], dir: string): { seconds: number; k: number; ari: number } | string {
  const csv = path.join(dir, `customers-${rows.length}.csv`);
  writeFileSync(csv, rows.map((r, i) => [...r.map((v) => (Number.isNaN(v) ? 'nan' : String(v))), truth[i]].join(',')).join('\n') + '\n');
  const run = spawnSync('/usr/bin/python3', ['-c', SKLEARN, csv], { encoding: 'utf8' });
  if (run.status !== 0) return `unavailable (${(run.stderr || String(run.error)).trim().split('\n').at(-1)})`;
  return JSON.parse(run.stdout) as { seconds: number; k: number; ari: number };
}

export async function run(ctx: { scale: 'small' | 'full'; log: (msg: string) => void }): Promise<Record<string, unknown>> {
  const sizes = ctx.scale === 'small' ? [10_000] : [10_000, 100_000];
  const dir = mkdtempSync(path.join(os.tmpdir(), 'spirit-segmentation-bench-'));
  const figures: Record<string, unknown> = {};
  try {
    for (const n of sizes) {
      const train = syntheticCustomers(n, { seed: 1 });
      const holdout = syntheticCustomers(Math.min(n, 20_000), { seed: 2 });
      let t = performance.now();
      const model = await new CustomerSegmenter({ seed: 1 }).fit(train);
      const fitSeconds = (performance.now() - t) / 1000;
      t = performance.now();
      const assigned = model.predict(holdout.rows);
      const predictSeconds = (performance.now() - t) / 1000;
      const raw = kmeans(holdout.rows.map((r) => r.map((v) => (Number.isNaN(v) ? 0 : v))), LATENT_SEGMENTS.length, { seed: 1 });
      const reference = sklearn(train.rows, train.truth, dir);
      figures[`n${n}`] = {
        fitSeconds: Number(fitSeconds.toFixed(2)),
        predictRowsPerSecond: Math.round(holdout.rows.length / predictSeconds),
        k: model.metrics().segments,
        silhouette: Number(model.metrics().silhouette.toFixed(3)),
        components: model.metrics().components,
        heldOutAri: Number(adjustedRandIndex(assigned, holdout.truth).toFixed(4)),
        rawKMeansAri: Number(adjustedRandIndex(raw.clusters, holdout.truth).toFixed(4)),
        sklearn: typeof reference === 'string' ? reference : { seconds: Number(reference.seconds.toFixed(2)), k: reference.k, trainAri: Number(reference.ari.toFixed(4)) },
      };
      ctx.log(`n=${n}: ${JSON.stringify(figures[`n${n}`])}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return figures;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const scale = process.argv.includes('--small') ? 'small' : 'full';
  console.log(JSON.stringify(await run({ scale, log: (m) => console.error(`[bench] ${m}`) }), null, 2));
}
