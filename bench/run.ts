/**
 * `npm run bench [-- NAME...] [--scale small|full] [--data DIR]`: runs every bench/*.bench.ts (or the named ones)
 * and writes their figures, with a description of the machine, to bench/results/latest.json and latest.md.
 * Each bench module exports `run(ctx)` returning a flat object of figures, and `title`.
 * Benchmarks compare against a baseline measured in the same run, so ratios mean something on any machine.
 */
import { readdirSync, writeFileSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { execSync } from 'node:child_process';

export interface BenchContext {
  scale: 'small' | 'full';
  /** Path given with --data (e.g. the tourism competition folder), when the benchmark needs outside data. */
  dataDir: string | undefined;
  log: (msg: string) => void;
}

export interface BenchModule {
  title: string;
  run(ctx: BenchContext): Promise<Record<string, unknown>>;
}

function machine() {
  const cpus = os.cpus();
  let commit = 'unknown';
  try {
    commit = execSync('git rev-parse --short HEAD', { stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
  } catch {
    /* not a git checkout */
  }
  return {
    cpu: cpus[0]?.model ?? 'unknown',
    cores: os.availableParallelism(),
    memoryGiB: Number((os.totalmem() / 2 ** 30).toFixed(1)),
    os: `${os.type()} ${os.release()}`,
    node: process.version,
    commit,
    date: new Date().toISOString(),
  };
}

function toMarkdown(results: Record<string, { title: string; figures: Record<string, unknown> }>, host: ReturnType<typeof machine>): string {
  const lines = [`# Benchmark results`, '', `Machine: ${host.cpu}, ${host.cores} cores, ${host.memoryGiB} GiB, ${host.os}, Node ${host.node}; commit ${host.commit}; ${host.date}`, ''];
  for (const [name, { title, figures }] of Object.entries(results)) {
    lines.push(`## ${title} (\`${name}\`)`, '', '| figure | value |', '|---|---|');
    for (const [k, v] of Object.entries(figures)) lines.push(`| ${k} | ${typeof v === 'object' ? JSON.stringify(v) : String(v)} |`);
    lines.push('');
  }
  return lines.join('\n');
}

function usage(known: string[]): string {
  return `Usage: npm run bench [-- NAME... [--scale small|full] [--data DIR] [--out DIR]]\nBenchmarks: ${known.join(', ')}\n`;
}

async function main() {
  const here = path.dirname(new URL(import.meta.url).pathname);
  const known = readdirSync(here)
    .filter((f) => f.endsWith('.bench.ts'))
    .map((f) => f.replace(/\.bench\.ts$/, ''))
    .sort();
  let parsed;
  try {
    parsed = parseArgs({
      options: { scale: { type: 'string', default: 'full' }, data: { type: 'string' }, out: { type: 'string', default: 'bench/results' }, help: { type: 'boolean' } },
      allowPositionals: true,
    });
  } catch (err) {
    // An unknown or malformed option is a usage error (exit 2), not a stack trace.
    console.error(`bench: ${(err as Error).message.split('. ')[0]}\n${usage(known)}`);
    process.exit(2);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    process.stdout.write(usage(known));
    process.exit(0);
  }
  if (values.scale !== 'small' && values.scale !== 'full') {
    console.error(`bench: --scale must be small or full, got "${values.scale}"`);
    process.exit(2);
  }
  // Every name given must be a benchmark: a misspelt one is not silently left out while the others run.
  const unknown = positionals.filter((n) => !known.includes(n));
  if (unknown.length > 0) {
    console.error(`bench: no benchmark named ${unknown.join(', ')}\n${usage(known)}`);
    process.exit(2);
  }
  const names = known.filter((n) => positionals.length === 0 || positionals.includes(n));
  const ctx: BenchContext = { scale: values.scale, dataDir: values.data, log: (m) => console.error(`[bench] ${m}`) };
  const host = machine();
  const results: Record<string, { title: string; figures: Record<string, unknown> }> = {};
  for (const name of names) {
    const mod = (await import(path.join(here, `${name}.bench.ts`))) as BenchModule;
    ctx.log(`${name}: ${mod.title}`);
    try {
      results[name] = { title: mod.title, figures: await mod.run(ctx) };
    } catch (err) {
      results[name] = { title: mod.title, figures: { error: (err as Error).message } };
      ctx.log(`${name} failed: ${(err as Error).stack}`);
    }
    console.log(JSON.stringify({ [name]: results[name].figures }, null, 2));
  }
  mkdirSync(values.out!, { recursive: true });
  const suffix = positionals.length ? `-${names.join('-')}` : '';
  writeFileSync(path.join(values.out!, `latest${suffix}.json`), JSON.stringify({ machine: host, results }, null, 2) + '\n');
  writeFileSync(path.join(values.out!, `latest${suffix}.md`), toMarkdown(results, host));
  ctx.log(`wrote ${path.join(values.out!, `latest${suffix}.json`)}`);
  process.exit(0);
}

await main();
