/**
 * `npm run bench -- nlu`: the message understander against issue 27's goals (intent accuracy ≥ 0.90, macro-F1 ≥ 0.88,
 * destination ≥ 0.95, party size ≥ 0.92, dates ≥ 0.85, budget and service level ≥ 0.95, p99 < 5 ms per message),
 * beside the keyword rules measured in the same run, on the three hand-written corpora (corpus/README.md): the test
 * corpus, the blind one written after the rules were frozen, and the independent one written by someone who never
 * read this code. Latency: every message of the corpora understood
 * `rounds` times after a warm-up, one timing per call, as wall time and as the process's CPU time (on two cores
 * shared with other work, wall-time tails measure the waits for a core as much as the work).
 */
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import type { BenchContext } from '../../bench/run.ts';
import { DESTINATIONS } from '../../domain/generator/catalogue-data.ts';
import { percentile } from './classification-metrics.ts';
import { keywordEntities, keywordIntent } from './keyword-baseline.ts';
import { parseLabelledMessages } from './labelled-messages.ts';
import { benchmarkUnderstanding } from './nlu-benchmark.ts';
import { DEFAULT_TRAINING, trainUnderstander } from './train-understander.ts';

export const title = 'Message understanding (nlu): intent and entity accuracy vs keyword rules, p99 latency per message';

const CORPORA = [
  { name: 'test', file: 'test-messages.jsonl', today: '2026-03-10' },
  { name: 'blind', file: 'blind-messages.jsonl', today: '2026-11-20' },
  { name: 'independent', file: 'independent-messages.jsonl', today: '2026-12-07' },
];

export async function run(ctx: BenchContext): Promise<Record<string, unknown>> {
  const rounds = ctx.scale === 'small' ? 5 : 30;
  const start = performance.now();
  const { model, metrics } = await trainUnderstander(DESTINATIONS, DEFAULT_TRAINING);
  const trainSeconds = Number(((performance.now() - start) / 1000).toFixed(2));
  ctx.log(`trained on ${metrics.training_messages} generated messages in ${trainSeconds} s`);
  const figures: Record<string, unknown> = {
    trainSeconds,
    trainingMessages: metrics.training_messages,
    artefactBytes: JSON.stringify(model.toArtifact()).length,
    validation: Object.fromEntries(Object.entries(metrics).map(([k, v]) => [k, Number(v.toFixed(4))])),
  };
  const all: Array<{ text: string; today: string }> = [];
  for (const corpus of CORPORA) {
    const messages = parseLabelledMessages(readFileSync(new URL(`./corpus/${corpus.file}`, import.meta.url), 'utf8'), corpus.file);
    const report = benchmarkUnderstanding(model, messages, corpus.today);
    figures[corpus.name] = { messages: messages.length, today: corpus.today, ...report };
    all.push(...messages.map((m) => ({ text: m.text, today: corpus.today })));
  }
  const names = model.destinations.map((d) => d.name);
  model.predict(all);
  const latencies: number[] = [];
  const cpu: number[] = [];
  const baseline: number[] = [];
  for (let r = 0; r < rounds; r++) {
    for (const m of all) {
      const c = process.cpuUsage();
      const t = performance.now();
      model.predict([m]);
      latencies.push(performance.now() - t);
      const used = process.cpuUsage(c);
      cpu.push((used.user + used.system) / 1000);
      const b = performance.now();
      keywordIntent(m.text);
      keywordEntities(m.text, names);
      baseline.push(performance.now() - b);
    }
  }
  const ms = (x: number) => Number(x.toFixed(3));
  figures.latency = {
    calls: latencies.length,
    p50Ms: ms(percentile(latencies, 50)),
    p99Ms: ms(percentile(latencies, 99)),
    maxMs: ms(Math.max(...latencies)),
    cpuP50Ms: ms(percentile(cpu, 50)),
    cpuP99Ms: ms(percentile(cpu, 99)),
    keywordP99Ms: ms(percentile(baseline, 99)),
    loadAverage1m: Number(os.loadavg()[0].toFixed(2)),
  };
  return figures;
}
