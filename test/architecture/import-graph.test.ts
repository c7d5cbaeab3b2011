import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Imports point one way: cli → serving / pipelines → features / models → platform. The booking system (domain/)
 * stands beside them: it uses platform only, and only the CLI (which wires the processes) reaches into it;
 * serving and domain meet over HTTP or through the plugin seam. Tests, benchmarks and test scaffolding may import
 * anything. KNOWN lists today's arrows that still run the wrong way: it may only shrink, and an entry that no
 * longer exists fails the test so the list stays true.
 */
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const FOLDERS = ['platform', 'features', 'models', 'serving', 'pipelines', 'domain', 'cli'] as const;
type Folder = (typeof FOLDERS)[number];

const MAY_IMPORT: Record<Folder, readonly Folder[]> = {
  platform: [],
  features: ['platform'],
  models: ['platform'],
  serving: ['features', 'models', 'platform'],
  pipelines: ['features', 'models', 'platform'],
  domain: ['platform'],
  cli: ['serving', 'pipelines', 'features', 'models', 'domain', 'platform'],
};

/** `from-file -> imported-file` arrows that break the rule today, to be removed by the redesign (issue 20). */
const KNOWN = new Set<string>([
]);

function isScaffolding(file: string): boolean {
  return /\.test\.ts$|\.bench\.ts$/.test(file);
}

function productionFiles(dir: string, found: string[] = []): string[] {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) productionFiles(full, found);
    else if (entry.name.endsWith('.ts')) found.push(path.relative(ROOT, full));
  }
  return found;
}

function importsOf(file: string): string[] {
  const text = fs.readFileSync(path.join(ROOT, file), 'utf8');
  const specifiers = [...text.matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)'/g)].map((m) => m[1]);
  return specifiers.map((s) => path.relative(ROOT, path.resolve(ROOT, path.dirname(file), s)));
}

function folderOf(file: string): Folder | undefined {
  const top = file.split(path.sep)[0];
  return (FOLDERS as readonly string[]).includes(top) ? (top as Folder) : undefined;
}

describe('the import graph', () => {
  const arrows: string[] = [];
  for (const folder of FOLDERS) {
    for (const file of productionFiles(path.join(ROOT, folder))) {
      if (isScaffolding(file)) continue;
      for (const imported of importsOf(file)) {
        if (/^(test|bench)\//.test(imported)) arrows.push(`${file} -> ${imported}`);
        const target = folderOf(imported);
        if (target === undefined || target === folder) continue;
        if (!MAY_IMPORT[folder].includes(target) || isScaffolding(imported)) arrows.push(`${file} -> ${imported}`);
      }
    }
  }

  it('has no new arrow pointing the wrong way', () => {
    const unexpected = arrows.filter((a) => !KNOWN.has(a));
    assert.deepEqual(unexpected, [], 'imports against the layering (cli → serving/pipelines → features/models → platform; domain beside, reached from cli only)');
  });

  it('lists as known only arrows that still exist', () => {
    const gone = [...KNOWN].filter((a) => !arrows.includes(a));
    assert.deepEqual(gone, [], 'remove these from KNOWN: they are fixed');
  });
});
