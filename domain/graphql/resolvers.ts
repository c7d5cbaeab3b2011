import { GraphQLScalarType, Kind, valueFromASTUntyped, type ValueNode } from 'graphql';
import type pg from 'pg';
import type { IResolvers } from 'mercurius';
import type { Actor } from '../../platform/audit-log.ts';
import { InputError, NotFoundError } from '../../platform/errors.ts';
import type { Logger } from '../../platform/log.ts';
import { createQuotation } from '../quotations/create-quotation.ts';
import { checkDate, checkQuotationChange, checkQuotationRequest, positiveId } from '../quotations/quotation-request.ts';
import type { PriceScorer } from '../quotations/scoring-client.ts';
import { reviseQuotation } from '../quotations/revise-quotation.ts';
import type { RecordedSuggestion } from '../suggestions/record-suggestion.ts';
import type { NewMember } from '../quotations/quotation-members.ts';
import { DateInputError } from './graphql-errors.ts';
import { quotationAnalytics, type Dimension } from './quotation-analytics.ts';
import type { DepartureRow, LineRow, QuotationLoaders, QuotationRow, VersionRow } from './quotation-loaders.ts';
import { cursorOf, quotationPage, type QuotationFilter } from './quotation-page.ts';

/**
 * Resolvers: reads go through the request's loaders (quotation-loaders.ts), writes through the quotation engine
 * itself (domain/quotations: createQuotation, reviseQuotation), whose input checks name the field at fault.
 */
export interface GraphContext {
  loaders: QuotationLoaders;
  /** Who calls: for the quotation's history (changedBy) and the audit row. */
  actor: () => Actor;
  /** The scoring API, called with the caller's own credential. */
  scorer: () => PriceScorer;
}

export interface ResolverDeps {
  pool: pg.Pool;
  log: Logger;
}

const round2 = (x: number) => Math.round(x * 100) / 100;

export const DateScalar = new GraphQLScalarType({
  name: 'Date',
  description: 'A calendar date, YYYY-MM-DD.',
  serialize: (value) => value,
  parseValue: (value) => parsedDate(value),
  // The literal as written (20260101, not undefined), and its node, whose position tells the argument it is in.
  parseLiteral: (ast, variables) => parsedDate(ast.kind === Kind.STRING ? ast.value : valueFromASTUntyped(ast, variables), ast),
});

function parsedDate(value: unknown, node?: ValueNode): string {
  try {
    return checkDate(value, 'date');
  } catch {
    throw new DateInputError(value, node);
  }
}

function idOf(value: unknown, field: string): number {
  const id = typeof value === 'string' && /^\d{1,15}$/.test(value) ? Number(value) : value;
  return positiveId(id, field);
}

/** GraphQL sends absent optional fields as null where the engine's checks expect them left out. */
function withoutNulls(input: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(input).filter(([, v]) => v !== null && v !== undefined).map(([k, v]) => [k, Array.isArray(v) ? v.map((x) => (x && typeof x === 'object' && !Array.isArray(x) ? withoutNulls(x as Record<string, unknown>) : x)) : v]));
}

interface Outcome {
  quotationId: number;
  version: number;
  priceSource: string;
  fallbackReason: string | null;
  suggestion: RecordedSuggestion | null;
  members: NewMember[];
}

function payload(outcome: Outcome, ctx: GraphContext) {
  // The request may have read this quotation before the change: read it again, as committed.
  ctx.loaders.quotation.clear(outcome.quotationId);
  ctx.loaders.versions.clear(outcome.quotationId);
  return {
    quotationId: outcome.quotationId,
    version: outcome.version,
    priceSource: outcome.priceSource,
    fallbackReason: outcome.fallbackReason,
    suggestionState: outcome.suggestion?.state ?? null,
    members: outcome.members.map((m) => ({ id: m.id, name: m.name, accessToken: m.accessToken ?? null })),
  };
}

const linesOf = (q: QuotationRow, ctx: GraphContext, kind: string) => ctx.loaders.lines.load(`${q.id}:${q.version}`).then((lines) => lines.filter((l) => l.kind === kind));

export function quotationResolvers(deps: ResolverDeps): IResolvers<any, GraphContext> {
  return {
    Date: DateScalar,
    Query: {
      quotations: async (_root, args: { filter?: QuotationFilter | null; first: number; after?: string | null }, ctx) => {
        const page = await quotationPage(deps.pool, args);
        for (const row of page.rows) ctx.loaders.quotation.prime(row.id, row);
        return {
          edges: page.rows.map((node) => ({ cursor: cursorOf(node.id), node })),
          pageInfo: { hasNextPage: page.hasNextPage, endCursor: page.rows.length ? cursorOf(page.rows[page.rows.length - 1].id) : null },
          count: page.count,
        };
      },
      quotation: (_root, args: { id: string }, ctx) => ctx.loaders.quotation.load(idOf(args.id, 'id')),
      quotationAnalytics: (_root, args: { dateRange: { from: string; to: string }; groupBy: Dimension[] }) => quotationAnalytics(deps.pool, args.dateRange, args.groupBy),
    },
    QuotationConnection: {
      // Counted only when asked for: a page alone is one query.
      totalCount: (connection: { count: () => Promise<number> }) => connection.count(),
    },
    Quotation: {
      itinerary: (q: QuotationRow, _args, ctx) => ctx.loaders.itinerary.load(q.itineraryId),
      margin: (q: QuotationRow) => round2(q.priceTotal - q.costTotal),
      marginRate: (q: QuotationRow) => (q.priceTotal > 0 ? (q.priceTotal - q.costTotal) / q.priceTotal : null),
      hotelItems: (q: QuotationRow, _args, ctx) => linesOf(q, ctx, 'hotel'),
      transportItems: (q: QuotationRow, _args, ctx) => linesOf(q, ctx, 'transport'),
      serviceItems: (q: QuotationRow, _args, ctx) => linesOf(q, ctx, 'service'),
      guideAssignments: (q: QuotationRow, _args, ctx) =>
        linesOf(q, ctx, 'guide').then((lines: LineRow[]) =>
          lines.map((l) => ({ lineNo: l.lineNo, name: l.name, dayNumber: l.dayNumber, language: l.language, guides: l.quantity, detail: l.detail, amount: l.amount })),
        ),
      versions: (q: QuotationRow, _args, ctx) => ctx.loaders.versions.load(q.id),
      departure: (q: QuotationRow, _args, ctx) => (q.departureId === null ? null : ctx.loaders.departure.load(q.departureId)),
      booking: (q: QuotationRow, _args, ctx) => ctx.loaders.bookingOfQuotation.load(q.id),
    },
    QuotationVersion: {
      margin: (v: VersionRow) => round2(v.priceTotal - v.costTotal),
    },
    Departure: {
      seatsLeft: (d: DepartureRow) => Math.max(0, d.capacity - d.seatsSold),
    },
    Booking: {
      quotation: (b: { quotationId: number }, _args, ctx) => ctx.loaders.quotation.load(b.quotationId),
    },
    QuotationPayload: {
      quotation: (payload: { quotationId: number }, _args, ctx) => ctx.loaders.quotation.load(payload.quotationId),
    },
    Mutation: {
      createQuotation: async (_root, args: { input: Record<string, unknown> }, ctx) => {
        const request = checkQuotationRequest(withoutNulls(args.input));
        const actor = ctx.actor();
        const created = await createQuotation({ pool: deps.pool, scorer: ctx.scorer(), log: deps.log }, request, actor.name, { audit: actor });
        return payload(created, ctx);
      },
      updateQuotation: async (_root, args: { input: Record<string, unknown> }, ctx) => {
        const { id, ...rest } = args.input;
        const quotationId = idOf(id, 'input.id');
        const change = checkQuotationChange(withoutNulls(rest));
        const actor = ctx.actor();
        let revised: Awaited<ReturnType<typeof reviseQuotation>>;
        try {
          revised = await reviseQuotation({ pool: deps.pool, scorer: ctx.scorer(), log: deps.log }, quotationId, change, actor.name, { audit: actor });
        } catch (err) {
          // The engine names the id as the REST route has it (quotationId, in the path); here it is input.id.
          if (err instanceof NotFoundError && err.field === 'quotationId') throw new NotFoundError(err.message, 'input.id');
          if (err instanceof InputError && err.field === 'quotationId') throw new InputError(err.message, 'input.id', err.code);
          throw err;
        }
        return payload(revised, ctx);
      },
    },
  };
}
