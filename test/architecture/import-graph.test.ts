import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Imports point one way: cli → serving / pipelines → features / models → platform. The booking system (domain/)
 * stands beside them: it uses platform only, and only the CLI (which wires the processes) reaches into it;
 * serving and domain meet over HTTP or through the plugin seam. The API contract (contract/) is what both sides of
 * that seam share: anyone may import it, and it imports nothing of ours and no package but TypeBox. Production code
 * never imports test/ or bench/; tests, benchmarks and their scaffolding may import anything.
 */
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const FOLDERS = ['contract', 'platform', 'features', 'models', 'serving', 'pipelines', 'domain', 'cli'] as const;
type Folder = (typeof FOLDERS)[number];

const MAY_IMPORT: Record<Folder, readonly Folder[]> = {
  contract: [],
  platform: ['contract'],
  features: ['platform', 'contract'],
  models: ['platform', 'contract'],
  serving: ['features', 'models', 'platform', 'contract'],
  pipelines: ['features', 'models', 'platform', 'contract'],
  domain: ['platform', 'contract'],
  cli: ['serving', 'pipelines', 'features', 'models', 'domain', 'platform', 'contract'],
};

/** Packages the contract may use: a client takes it with nothing else of the server. */
const CONTRACT_PACKAGES = /^typebox(\/|$)/;

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

/** Packages a file imports (bare specifiers, node: built-ins included). */
function packagesOf(file: string): string[] {
  const text = fs.readFileSync(path.join(ROOT, file), 'utf8');
  return [...text.matchAll(/(?:from|import)\s*\(?\s*'([^'.][^']*)'/g)].map((m) => m[1]);
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

  it('has no arrow pointing the wrong way', () => {
    assert.deepEqual(arrows, [], 'imports against the layering (cli → serving/pipelines → features/models → platform → contract; domain beside, reached from cli only)');
  });

  it('keeps the contract free of every package but TypeBox', () => {
    const contractFiles = productionFiles(path.join(ROOT, 'contract')).filter((f) => !isScaffolding(f));
    assert.ok(contractFiles.length > 0, 'contract/ has files');
    const foreign = contractFiles.flatMap((file) => packagesOf(file).filter((p) => !CONTRACT_PACKAGES.test(p)).map((p) => `${file} -> ${p}`));
    assert.deepEqual(foreign, []);
  });
});
