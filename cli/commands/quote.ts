import fs from 'node:fs';
import os from 'node:os';
import { InputError, UsageError } from '../../platform/errors.ts';
import { createQuotation } from '../../domain/quotations/create-quotation.ts';
import { DEFAULT_BANDS } from '../../domain/quotations/price-table.ts';
import { checkQuotationRequest, CHANNELS } from '../../domain/quotations/quotation-request.ts';
import { readQuotation, type QuotationView } from '../../domain/quotations/read-quotation.ts';
import { ScoringClient } from '../../domain/quotations/scoring-client.ts';
import { writeTrainingLabelsCsv } from '../../domain/suggestions/training-labels.ts';
import { ingest } from '../../pipelines/ingest/ingest.ts';
import type { Command, OptionSpec } from '../command.ts';
import { choiceArg, intArg, stringArg } from '../command.ts';
import { openStores, withPostgres } from '../stores.ts';

/**
 * `spirit-ml quote create|show|labels`: build a quotation from the command line through the running scoring API,
 * print a quotation with its price history, and export the pricing managers' decisions as training labels.
 */
const JSON_OPTION: OptionSpec = { type: 'boolean', short: 'j', description: 'Print JSON instead of text' };

const money = (x: number) => x.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

function describe(q: QuotationView): string {
  const lines = [
    `Quotation ${q.id} (version ${q.version}, ${q.status}) — ${q.itinerary.name} [${q.itinerary.code}], ${q.itinerary.destination}, ${q.itinerary.serviceLevel}`,
    `Departs ${q.departureDate}, ${q.partySize} pax, guide language ${q.language}`,
    '',
    'Costing:',
    ...q.lines.map((l) => `  ${l.name.padEnd(40).slice(0, 40)} ${l.detail.padEnd(52).slice(0, 52)} ${money(l.amount).padStart(12)}`),
    `  ${'Total cost'.padEnd(93)} ${money(q.costTotal).padStart(12)}`,
    '',
    `Price: ${q.currency} ${money(q.priceTotal)} (${q.priceSource})${q.fallback.used ? ` — scoring API unavailable, cost-plus fallback: ${q.fallback.reason}` : ''}`,
    '',
    'Price per traveller by group size:',
    ...q.priceTable.map((r) => `  ${`${r.minPax}${r.maxPax === null ? '+' : `–${r.maxPax}`} pax`.padEnd(10)} ${money(r.pricePerPax).padStart(10)}  (cost ${money(r.costPerPax)}, ${r.priceSource})`),
  ];
  if (q.members.length) lines.push('', 'Members (each sees only their own share):', ...q.members.map((m) => `  ${m.name.padEnd(30)} ${money(m.priceShare).padStart(12)}`));
  lines.push('', 'History:', ...q.history.map((h) => `  v${h.version} ${h.at}  ${money(h.priceTotal).padStart(12)}  ${h.priceSource.padEnd(18)} ${h.changedBy}${h.changeReason ? ` — ${h.changeReason}` : ''}`));
  return lines.join('\n') + '\n';
}

/** The quotation request's fields, as this command's options name them. */
const OPTION_OF_FIELD: Record<string, string> = { customerId: '--customer', itineraryId: '--itinerary', departureDate: '--date', partySize: '--pax', channel: '--channel', language: '--language' };

/**
 * The booking system's checks name the request's fields (`departureDate 2020-07-14 has passed`); a person at the
 * command line typed `--date`, so the error is told in the option's name, as a usage error (exit 2).
 */
function asOptionError(err: unknown): unknown {
  const option = err instanceof InputError && !(err instanceof UsageError) && err.field !== undefined ? OPTION_OF_FIELD[err.field] : undefined;
  if (!option) return err;
  const { field, message } = err as InputError;
  return new UsageError(message.startsWith(`${field} `) ? `${option} ${message.slice(field!.length + 1)}` : `${option}: ${message}`, option.slice(2));
}

async function checked<T>(work: () => T | Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    throw asOptionError(err);
  }
}

export const createCommand: Command = {
  name: 'quote create',
  summary: 'Build a quotation (costing, price, suggestion) through the running scoring API',
  options: {
    customer: { type: 'string', description: 'Customer id' },
    itinerary: { type: 'string', description: 'Itinerary id' },
    date: { type: 'string', description: 'Departure date, YYYY-MM-DD' },
    pax: { type: 'string', description: 'Travellers in the party (1–200)' },
    channel: { type: 'string', description: `Sales channel: ${CHANNELS.join(', ')}`, default: 'agent' },
    language: { type: 'string', description: 'Language the guide must speak (default: the customer’s)' },
    api: { type: 'string', description: 'Scoring API base URL (default http://HOST:PORT)' },
    key: { type: 'string', description: 'API key with the quotation-engine role (default: $SPIRIT_API_KEY)' },
    by: { type: 'string', description: 'Who makes the quotation (kept in its history)' },
    json: JSON_OPTION,
  },
  details: 'When the API does not answer, the quotation is still made at cost-plus and says so.',
  async run(args, ctx) {
    // What the quotation is comes first: the key is asked for once the request itself is right.
    const request = await checked(() => checkQuotationRequest({
      customerId: intArg(args, 'customer', { min: 1 }),
      itineraryId: intArg(args, 'itinerary', { min: 1 }),
      departureDate: stringArg(args, 'date'),
      partySize: intArg(args, 'pax', { min: 1, max: 200 }),
      channel: choiceArg(args, 'channel', CHANNELS, 'agent'),
      ...(args.values.language ? { language: String(args.values.language) } : {}),
      bands: [...DEFAULT_BANDS],
    }));
    const key = stringArg(args, 'key', process.env.SPIRIT_API_KEY ?? '');
    if (!key) throw new UsageError('--key (or SPIRIT_API_KEY) is required: an API key with the quotation-engine role', 'key');
    const baseUrl = stringArg(args, 'api', `http://${ctx.config.host}:${ctx.config.port}`);
    const actor = stringArg(args, 'by', `cli:${os.userInfo().username}`);
    const view = await withPostgres(ctx.config, ctx.log, async (pool) => {
      const created = await checked(() => createQuotation({ pool, scorer: new ScoringClient({ baseUrl, apiKey: key }), log: ctx.log }, request, actor));
      return { created, quotation: await readQuotation(pool, created.quotationId) };
    });
    if (args.values.json) {
      ctx.out(JSON.stringify({ ...view.quotation, suggestion: view.created.suggestion, memberTokens: view.created.members }, null, 2) + '\n');
      return;
    }
    const s = view.created.suggestion;
    ctx.out(describe(view.quotation) + (s ? `\nSuggestion ${s.id}: ${s.state}${s.pendingBecause ? ` (${s.pendingBecause})` : ''}\n` : ''));
  },
};

export const showCommand: Command = {
  name: 'quote show',
  summary: 'Print a quotation: costing, price, price table, members’ shares and price history',
  positionals: [{ name: 'ID', description: 'Quotation id' }],
  options: { json: JSON_OPTION },
  async run(args, ctx) {
    const id = Number(args.positionals[0]);
    if (!Number.isInteger(id) || id < 1) throw new UsageError(`ID must be a quotation id (a positive whole number), got "${args.positionals[0]}"`, 'ID');
    const quotation = await withPostgres(ctx.config, ctx.log, (pool) => readQuotation(pool, id));
    ctx.out(args.values.json ? JSON.stringify(quotation, null, 2) + '\n' : describe(quotation));
  },
};

export const labelsCommand: Command = {
  name: 'quote labels',
  summary: 'Export pricing managers’ decisions on price suggestions as labelled CSV for the next price training',
  options: {
    out: { type: 'string', short: 'o', description: 'CSV file to write' },
    since: { type: 'string', description: 'Only decisions made on or after this date (YYYY-MM-DD)' },
  },
  details: 'Ingests new decisions from PostgreSQL to ClickHouse first (as the scheduled ingest does), then reads the price_training_labels view.',
  async run(args, ctx) {
    const file = stringArg(args, 'out');
    const since = args.values.since === undefined ? undefined : String(args.values.since);
    if (since !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(since)) throw new UsageError(`--since must be a date as YYYY-MM-DD, got "${since}"`, 'since');
    // Opened before anything else runs: a file that cannot be written is a usage error, not a crash after the ingest.
    let fd: number;
    try {
      fd = fs.openSync(file, 'w');
    } catch (err) {
      throw new UsageError(`--out ${file} cannot be written (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`, 'out');
    }
    const stores = await openStores(ctx.config, ctx.log).catch((err: unknown) => {
      fs.closeSync(fd);
      throw err;
    });
    try {
      const copied = (await ingest(stores.pg, stores.clickhouse, { log: ctx.log, tables: ['suggestion_decisions'] })).tables.suggestion_decisions.rows;
      const out = fs.createWriteStream(file, { fd });
      const rows = await writeTrainingLabelsCsv(stores.clickhouse, out, { since });
      await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
      ctx.out(`${rows} labelled decisions written to ${file} (${copied} copied to ClickHouse first)\n`);
    } finally {
      await stores.close();
    }
  },
};
