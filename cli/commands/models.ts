import { appendAudit, cliActor } from '../../platform/audit-log.ts';
import { inTransaction } from '../../platform/transaction.ts';
import { UsageError } from '../../platform/errors.ts';
import type { AliasState } from '../../models/registry/aliases.ts';
import { FAMILY_NAMES } from '../../models/families.ts';
import { ModelRegistry, type Decision } from '../../models/registry/model-registry.ts';
import type { ModelVersion } from '../../models/registry/model-version.ts';
import { registryLocation } from '../../models/registry/registry-location.ts';
import type { CliContext, Command, OptionSpec, ParsedArgs } from '../command.ts';
import { withPostgres } from '../stores.ts';

/**
 * `spirit-ml models …`: look at the model registry and move its aliases by hand.
 * The registry is `${dataDir}/models` unless MODEL_REGISTRY_URL is set (e.g. file:///srv/spirit/models).
 */
const LOCATION_NOTE = 'Registry: MODEL_REGISTRY_URL when set, else <SPIRIT_DATA_DIR>/models.';

// `short` and `multiple` are spelt out: cli/command.ts passes them on even when undefined, which Node 20 rejects.
const JSON_OPTION: OptionSpec = { type: 'boolean', short: 'j', multiple: false, description: 'Print JSON instead of a table' };

function openRegistry(ctx: CliContext): ModelRegistry {
  return ModelRegistry.open(registryLocation(ctx.config.dataDir));
}

function positional(args: ParsedArgs, index: number, name: string): string {
  const value = args.positionals[index];
  if (value === undefined || value === '') throw new UsageError(`missing argument ${name}`, name);
  return value;
}

/**
 * A family named on the command line: one of the platform's, or one the registry holds versions of. A misspelt
 * one is a usage error, not an empty answer or "has no champion yet".
 */
async function familyArg(registry: ModelRegistry, given: string, name = 'FAMILY'): Promise<string> {
  if ((FAMILY_NAMES as readonly string[]).includes(given)) return given;
  const known = new Set<string>([...FAMILY_NAMES, ...(await registry.list()).map((v) => v.family)]);
  if (known.has(given)) return given;
  throw new UsageError(`${name}: "${given}" is not a model family; one of ${[...known].sort().join(', ')}`, name);
}

/** Columns padded to their widest cell, so the table reads in a terminal and greps by column. */
export function alignedTable(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
  const line = (cells: string[]) => cells.map((cell, c) => (c === cells.length - 1 ? cell : cell.padEnd(widths[c]))).join('  ').trimEnd();
  return [line(headers), ...rows.map(line)].join('\n') + '\n';
}

function metricsText(metrics: Record<string, number>): string {
  return Object.entries(metrics)
    .map(([name, value]) => `${name}=${Number(value.toPrecision(5))}`)
    .join(' ');
}

/**
 * The versions of other families this one was trained with, as `family@version`: serving loads exactly these with
 * it, so they belong in the text view as much as in the JSON.
 */
function upstreamText(upstream: ModelVersion['upstream']): string {
  const entries = Object.entries(upstream).sort(([a], [b]) => a.localeCompare(b));
  return entries.length === 0 ? 'none' : entries.map(([family, version]) => `${family}@${version}`).join(', ');
}

function aliasesOf(version: string, aliases: AliasState): string {
  return [aliases.champion === version ? 'champion' : '', aliases.challenger === version ? 'challenger' : ''].filter(Boolean).join(',');
}

function decisionText(d: Decision): string {
  const change = d.championBefore === d.championAfter ? `champion stays ${d.championAfter ?? 'none'}` : `champion ${d.championBefore ?? 'none'} → ${d.championAfter}`;
  return `${d.family}: ${d.action} ${d.version}: ${d.outcome}; ${change} (${d.reason})\n`;
}

export const listCommand: Command = {
  name: 'models list',
  summary: 'List registered model versions with their aliases and holdout metrics',
  options: {
    family: { type: 'string', short: 'f', multiple: false, description: 'Only this family (price, segmentation, recommender, demand…)' },
    json: JSON_OPTION,
  },
  details: LOCATION_NOTE,
  async run(args, ctx) {
    const registry = openRegistry(ctx);
    const family = args.values.family === undefined ? undefined : await familyArg(registry, args.values.family as string, '--family');
    const versions = await registry.list(family);
    const aliases = new Map<string, AliasState>();
    for (const f of new Set(versions.map((v) => v.family))) aliases.set(f, await registry.aliases(f));
    if (args.values.json) {
      ctx.out(JSON.stringify(versions.map((v) => ({ ...v, aliases: aliasesOf(v.version, aliases.get(v.family)!).split(',').filter(Boolean) })), null, 2) + '\n');
      return;
    }
    if (versions.length === 0) {
      ctx.out(`no model versions${family ? ` of ${family}` : ''} in ${registry.store.url}\n`);
      return;
    }
    const rows = versions.map((v: ModelVersion) => [
      v.version,
      aliasesOf(v.version, aliases.get(v.family)!),
      v.createdAt.slice(0, 19).replace('T', ' '),
      `${v.dataWindow.from.slice(0, 10)}..${v.dataWindow.to.slice(0, 10)}`,
      v.holdoutId,
      metricsText(v.metrics),
    ]);
    ctx.out(alignedTable(['VERSION', 'ALIAS', 'CREATED (UTC)', 'DATA WINDOW', 'HOLDOUT', 'METRICS'], rows));
  },
};

export const showCommand: Command = {
  name: 'models show',
  summary: 'Show one model version (by id or by alias champion/challenger)',
  options: { json: JSON_OPTION },
  positionals: [
    { name: 'FAMILY', description: 'Model family, e.g. price' },
    { name: 'VERSION', description: 'Version id (price-000007) or alias (champion, challenger)' },
  ],
  details: LOCATION_NOTE,
  async run(args, ctx) {
    const registry = openRegistry(ctx);
    const family = await familyArg(registry, positional(args, 0, 'FAMILY'));
    const version = await registry.get(family, positional(args, 1, 'VERSION'));
    const aliases = aliasesOf(version.version, await registry.aliases(family));
    if (args.values.json) {
      ctx.out(JSON.stringify({ ...version, aliases: aliases.split(',').filter(Boolean) }, null, 2) + '\n');
      return;
    }
    const rows: Array<[string, string]> = [
      ['version', version.version],
      ['aliases', aliases || '-'],
      ['created', version.createdAt],
      ['data window', `${version.dataWindow.from} .. ${version.dataWindow.to}`],
      ['features version', version.featuresVersion],
      ['upstream', upstreamText(version.upstream)],
      ['holdout', version.holdoutId],
      ['metrics', metricsText(version.metrics)],
      ['params', JSON.stringify(version.params)],
      ['code version', version.codeVersion],
      ['artefact', version.artifact.url],
      ['sha256', version.artifact.sha256],
      ['size', `${version.artifact.bytes} bytes (${version.artifact.encoding})`],
    ];
    ctx.out(rows.map(([k, v]) => `${k.padEnd(17)} ${v}`).join('\n') + '\n');
  },
};

/**
 * A champion change by hand, recorded in the audit log: the record is written in a transaction that commits only
 * once the registry has changed, so neither lands without the other (short of a crash between the two).
 */
async function audited(ctx: CliContext, target: string, action: string, change: () => Promise<Decision>): Promise<Decision> {
  return withPostgres(ctx.config, ctx.log, (pool) =>
    inTransaction(pool, async (client) => {
      const decision = await change();
      await appendAudit(client, cliActor(), { action, target, before: { champion: decision.championBefore }, after: { champion: decision.championAfter, reason: decision.reason } });
      return decision;
    }),
  );
}

export const promoteCommand: Command = {
  name: 'models promote',
  summary: 'Make a version the champion of its family (the old champion can be restored with rollback)',
  options: { reason: { type: 'string', short: 'r', multiple: false, description: 'Why, for the decisions log', default: 'promoted by hand' } },
  positionals: [
    { name: 'FAMILY', description: 'Model family, e.g. price' },
    { name: 'VERSION', description: 'Version id, e.g. price-000007, or challenger' },
  ],
  details: LOCATION_NOTE,
  async run(args, ctx) {
    const registry = openRegistry(ctx);
    const family = await familyArg(registry, positional(args, 0, 'FAMILY'));
    const target = await registry.get(family, positional(args, 1, 'VERSION'));
    ctx.out(decisionText(await audited(ctx, `model:${family}/${target.version}`, 'model.promote', () => registry.promote(family, target.version, String(args.values.reason)))));
  },
};

export const rollbackCommand: Command = {
  name: 'models rollback',
  summary: 'Give the champion alias back to the previous champion of a family',
  options: { reason: { type: 'string', short: 'r', multiple: false, description: 'Why, for the decisions log', default: 'rolled back by hand' } },
  positionals: [{ name: 'FAMILY', description: 'Model family, e.g. price' }],
  details: LOCATION_NOTE,
  async run(args, ctx) {
    const registry = openRegistry(ctx);
    const family = await familyArg(registry, positional(args, 0, 'FAMILY'));
    ctx.out(decisionText(await audited(ctx, `model:${family}`, 'model.rollback', () => registry.rollback(family, String(args.values.reason)))));
  },
};

export const decisionsCommand: Command = {
  name: 'models decisions',
  summary: 'Print the decisions log of a family: every promotion, challenger and rollback with its numbers',
  options: { json: JSON_OPTION },
  positionals: [{ name: 'FAMILY', description: 'Model family, e.g. price' }],
  details: LOCATION_NOTE,
  async run(args, ctx) {
    const registry = openRegistry(ctx);
    const decisions = await registry.decisions(await familyArg(registry, positional(args, 0, 'FAMILY')));
    if (args.values.json) {
      ctx.out(JSON.stringify(decisions, null, 2) + '\n');
      return;
    }
    ctx.out(decisions.map((d) => `${d.at}  ${decisionText(d)}`).join(''));
  },
};
