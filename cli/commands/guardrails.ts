import type pg from 'pg';
import { cliActor, type Actor } from '../../platform/audit-log.ts';
import { InputError, NotFoundError, UsageError } from '../../platform/errors.ts';
import { describeScope } from '../../models/price/guardrail-policy.ts';
import {
  destinationIdOf, guardrailHistory, loadGuardrails, removeGuardrail, SERVICE_LEVELS, setGuardrail, type GuardrailRecord, type GuardrailScope,
} from '../../serving/guardrails/guardrail-store.ts';
import type { CliContext, Command, OptionSpec, ParsedArgs } from '../command.ts';
import { choiceArg, intArg, numberArg, stringArg } from '../command.ts';
import { withPostgres } from '../stores.ts';
import { alignedTable } from './models.ts';

/**
 * `spirit-ml guardrails list|set|remove|history`: the rules price suggestions are held to, in the booking system's
 * PostgreSQL. Every change is a new revision with its reason and author; running APIs reload at its commit.
 */
const JSON_OPTION: OptionSpec = { type: 'boolean', short: 'j', description: 'Print JSON instead of text' };
const SCOPE_OPTIONS: Record<string, OptionSpec> = {
  destination: { type: 'string', short: 'd', description: 'Destination code or id (e.g. cusco); leave out for every destination' },
  level: { type: 'string', short: 'l', description: `Service level (${SERVICE_LEVELS.join(', ')}); leave out for every level` },
};
const AUTHOR_OPTIONS: Record<string, OptionSpec> = {
  reason: { type: 'string', short: 'r', description: 'Why (required; kept in the history)' },
  by: { type: 'string', description: 'Who changes it (default cli:<user>)' },
};

async function scopeOf(pool: pg.Pool, args: ParsedArgs): Promise<GuardrailScope> {
  const destination = args.values.destination === undefined ? null : stringArg(args, 'destination');
  const serviceLevel = args.values.level === undefined ? null : choiceArg(args, 'level', SERVICE_LEVELS);
  try {
    return { destinationId: destination === null ? null : await destinationIdOf(pool, destination), serviceLevel };
  } catch (err) {
    if (err instanceof NotFoundError) throw new UsageError(`--destination: ${err.message}`, 'destination');
    throw err;
  }
}

function optionalNumber(args: ParsedArgs, name: string, min: number): number | null {
  return args.values[name] === undefined ? null : numberArg(args, name, { min });
}

/** The machine's user, or the person named with --by (an operator entering a change for someone), as the CLI. */
function actor(args: ParsedArgs): Actor {
  const local = cliActor();
  return args.values.by === undefined ? local : { ...local, name: stringArg(args, 'by') };
}

const percent = (fraction: number | null) => (fraction === null ? '-' : `${Number((fraction * 100).toFixed(2))}%`);
const scopeCells = (r: GuardrailRecord) => [r.destinationCode ?? (r.destinationId === null ? '*' : String(r.destinationId)), r.serviceLevel ?? '*'];
const limitCells = (r: GuardrailRecord) => [percent(r.minMargin), percent(r.maxMargin), r.maxPricePerPax === null ? '-' : `USD ${r.maxPricePerPax}`, percent(r.maxChangeVsList)];

function printRecord(ctx: CliContext, json: boolean, record: GuardrailRecord, verb: string): void {
  if (json) {
    ctx.out(JSON.stringify(record, null, 2) + '\n');
    return;
  }
  ctx.out(`${verb} the guardrail of ${describeScope(record)}: revision ${record.revision}, rule set version ${record.id}\n`);
}

export const listCommand: Command = {
  name: 'guardrails list',
  summary: 'The guardrail rules in force (or at --version), most specific scope first',
  options: { version: { type: 'string', description: 'The set as it was at this version' }, json: JSON_OPTION },
  details: 'A quotation is held to the most specific rule: destination and level, then destination, then level, then the default (* *).',
  async run(args, ctx) {
    const version = args.values.version === undefined ? null : intArg(args, 'version', { min: 1 });
    const { policy, records } = await withPostgres(ctx.config, ctx.log, (pool) => loadGuardrails(pool, version));
    if (args.values.json) {
      ctx.out(JSON.stringify({ version: policy.version, rules: records }, null, 2) + '\n');
      return;
    }
    ctx.out(`guardrail rule set version ${policy.version}\n`);
    ctx.out(
      alignedTable(
        ['DESTINATION', 'LEVEL', 'MIN MARGIN', 'MAX MARGIN', 'MAX PER PAX', 'MAX VS LIST', 'REVISION', 'CHANGED (UTC)', 'BY', 'REASON'],
        records.map((r) => [...scopeCells(r), ...limitCells(r), String(r.revision), r.changedAt.slice(0, 19).replace('T', ' '), r.changedBy, r.reason]),
      ),
    );
  },
};

/** The rule's fields as this command's options name them. */
const OPTION_OF_LIMIT: Record<string, string> = { minMargin: '--min-margin', maxMargin: '--max-margin', maxPricePerPax: '--max-price-per-pax', maxChangeVsList: '--max-change-vs-list' };

/**
 * The rule's checks (models/price/guardrails.ts) name its fields as the API's body does ("maxMargin (0.2) must be
 * above minMargin (0.3)"); a person at the command line typed `--max-margin`, so the error is told in those names.
 */
function asLimitOptionError(err: unknown): unknown {
  if (!(err instanceof InputError) || err instanceof UsageError || err.field === undefined || !(err.field in OPTION_OF_LIMIT)) return err;
  const message = err.message.replace(/\b(minMargin|maxMargin|maxPricePerPax|maxChangeVsList)\b/g, (name) => OPTION_OF_LIMIT[name]);
  return new UsageError(message, OPTION_OF_LIMIT[err.field].slice(2));
}

export const setCommand: Command = {
  name: 'guardrails set',
  summary: 'Set the guardrail of a destination and/or service level (a new revision)',
  options: {
    ...SCOPE_OPTIONS,
    'min-margin': { type: 'string', description: 'Least margin over cost as a fraction (0.1 = at least cost x 1.1); required' },
    'max-margin': { type: 'string', description: 'Largest margin over cost as a fraction (1.5 = at most cost x 2.5)' },
    'max-price-per-pax': { type: 'string', description: 'Largest price per traveller, USD' },
    'max-change-vs-list': { type: 'string', description: 'Largest move away from the list price as a fraction (0.2 = ±20%)' },
    ...AUTHOR_OPTIONS,
    json: JSON_OPTION,
  },
  details: 'Limits left out are not applied by this rule. Example: spirit-ml guardrails set --destination cusco --level luxury --min-margin 0.18 --max-change-vs-list 0.2 --reason "Inti Raymi week"',
  async run(args, ctx) {
    const minMargin = numberArg(args, 'min-margin', { min: -0.99 });
    const change = { minMargin, maxMargin: optionalNumber(args, 'max-margin', -0.99), maxPricePerPax: optionalNumber(args, 'max-price-per-pax', 0), maxChangeVsList: optionalNumber(args, 'max-change-vs-list', 0) };
    const reason = stringArg(args, 'reason');
    const written = await withPostgres(ctx.config, ctx.log, async (pool) => setGuardrail(pool, { ...(await scopeOf(pool, args)), ...change, reason, actor: actor(args) })).catch((err: unknown) => {
      throw asLimitOptionError(err);
    });
    printRecord(ctx, Boolean(args.values.json), written, 'set');
  },
};

export const removeCommand: Command = {
  name: 'guardrails remove',
  summary: 'Remove the guardrail of a scope; its quotations fall back to the broader rule',
  options: { ...SCOPE_OPTIONS, ...AUTHOR_OPTIONS, json: JSON_OPTION },
  details: 'The default rule (no --destination, no --level) can be changed with `guardrails set` but not removed.',
  async run(args, ctx) {
    const reason = stringArg(args, 'reason');
    const written = await withPostgres(ctx.config, ctx.log, async (pool) => removeGuardrail(pool, { ...(await scopeOf(pool, args)), reason, actor: actor(args) }));
    printRecord(ctx, Boolean(args.values.json), written, 'removed');
  },
};

export const historyCommand: Command = {
  name: 'guardrails history',
  summary: 'Every revision of the guardrails, newest first (of one scope with --destination/--level)',
  options: { ...SCOPE_OPTIONS, limit: { type: 'string', description: 'Most revisions to show (default 200)' }, json: JSON_OPTION },
  async run(args, ctx) {
    const limit = intArg(args, 'limit', { min: 1, max: 10_000, fallback: 200 });
    const scoped = args.values.destination !== undefined || args.values.level !== undefined;
    const records = await withPostgres(ctx.config, ctx.log, async (pool) => guardrailHistory(pool, { scope: scoped ? await scopeOf(pool, args) : undefined, limit }));
    if (args.values.json) {
      ctx.out(JSON.stringify(records, null, 2) + '\n');
      return;
    }
    ctx.out(
      alignedTable(
        ['VERSION', 'DESTINATION', 'LEVEL', 'REVISION', 'STATE', 'MIN MARGIN', 'MAX MARGIN', 'MAX PER PAX', 'MAX VS LIST', 'CHANGED (UTC)', 'BY', 'REASON'],
        records.map((r) => [String(r.id), ...scopeCells(r), String(r.revision), r.active ? 'set' : 'removed', ...limitCells(r), r.changedAt.slice(0, 19).replace('T', ' '), r.changedBy, r.reason]),
      ),
    );
  },
};
