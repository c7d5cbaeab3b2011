import type { FastifyPluginAsync } from 'fastify';
import type pg from 'pg';
import type { BenchContext } from './run.ts';
import { readQuotation } from '../domain/quotations/read-quotation.ts';
import { ACCESS } from '../platform/http/roles.ts';
import { quotationPage } from '../domain/graphql/quotation-page.ts';
import { PAGE } from '../test/support/graphql-page-query.ts';
import { quotationHistory } from '../test/worlds/quotation-history.ts';
import { startAttackedApi } from '../test/security/attacked-api.ts';
import { testClickHouse } from '../test/support/services.ts';

export const title = 'Pages of 50 quotations with items, versions, departures and bookings: GraphQL against the same read as REST calls';

/**
 * `npm run bench -- graphql`: the API as `npm start` serves it, on the embedded PostgreSQL, with quotations made by
 * the quotation engine. A page is 50 quotations with their items, price history, departure (seats left) and booking.
 *
 * - GraphQL: one POST /graphql per page (domain/graphql; a fixed number of SQL queries per page).
 * - REST: the API has no route that reads quotations, so the bench adds the two a REST design would have — a list
 *   (the same cursor page) and the staff view of one quotation (domain/quotations/read-quotation.ts, what
 *   `spirit-ml quote show` reads, plus its departure and booking) — and a page is the list then its 50 quotations,
 *   fetched 50 at once as a client would.
 *
 * Closed loop, 4 pages in flight, each way for the same time (--scale small: shorter). Pages per second, p50 and p99
 * of a whole page, and the SQL queries one page costs (counted on the pool).
 */
const IN_FLIGHT = 4;

function restStyleQuotations(pool: pg.Pool): FastifyPluginAsync {
  return async (app) => {
    const config = { roles: ACCESS.read, audit: 'not-a-write' as const };
    app.get('/v1/bench/quotations', { config, schema: { hide: true } }, async (request) => {
      const query = request.query as { first?: string; after?: string };
      const page = await quotationPage(pool, { first: Number(query.first ?? 50), after: query.after || null });
      return { ids: page.rows.map((r) => r.id), hasNextPage: page.hasNextPage };
    });
    app.get('/v1/bench/quotations/:id', { config, schema: { hide: true } }, async (request) => {
      const id = Number((request.params as { id: string }).id);
      const view = await readQuotation(pool, id);
      const [departure, booking] = await Promise.all([
        pool.query(
          `SELECT d.id, d.departure_date::text AS departure_date, d.capacity, d.seats_sold, greatest(d.capacity - d.seats_sold, 0) AS seats_left
             FROM quotations q JOIN departures d ON d.id = q.departure_id WHERE q.id = $1`,
          [id],
        ),
        pool.query('SELECT id, status, total_price::float8 AS total_price FROM bookings WHERE quotation_id = $1 ORDER BY booked_at DESC LIMIT 1', [id]),
      ]);
      return { ...view, departure: departure.rows[0] ?? null, booking: booking.rows[0] ?? null };
    });
  };
}

interface Run {
  pages: number;
  seconds: number;
  latencies: number[];
  failures: number;
}

async function closedLoop(seconds: number, page: () => Promise<boolean>): Promise<Run> {
  const latencies: number[] = [];
  let failures = 0;
  const started = performance.now();
  const until = started + seconds * 1000;
  const worker = async () => {
    while (performance.now() < until) {
      const t = performance.now();
      if (await page()) latencies.push(performance.now() - t);
      else failures += 1;
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
  return { pages: latencies.length, seconds: (performance.now() - started) / 1000, latencies, failures };
}

function quantile(sorted: number[], q: number): number {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] : NaN;
}

function summary(run: Run, queriesPerPage: number, requestsPerPage: number) {
  const sorted = [...run.latencies].sort((a, b) => a - b);
  return {
    pagesPerSecond: Number((run.pages / run.seconds).toFixed(1)),
    p50Ms: Number(quantile(sorted, 0.5).toFixed(1)),
    p99Ms: Number(quantile(sorted, 0.99).toFixed(1)),
    pages: run.pages,
    failedPages: run.failures,
    sqlQueriesPerPage: queriesPerPage,
    httpRequestsPerPage: requestsPerPage,
  };
}

export async function run(ctx: BenchContext): Promise<Record<string, unknown>> {
  const seconds = ctx.scale === 'small' ? 5 : 8;
  const api = await startAttackedApi('graphql_bench', { plugins: (pool) => [restStyleQuotations(pool)] });
  try {
    const pool = api.db.pool;
    const made = await quotationHistory(pool, 150);
    ctx.log(`graphql: ${made.length} quotations made`);
    let queries = 0;
    const original = pool.query.bind(pool);
    pool.query = ((...args: Parameters<typeof pool.query>) => {
      queries += 1;
      return (original as (...a: unknown[]) => unknown)(...args);
    }) as typeof pool.query;
    const key = api.keys.analyst;
    const headers = { 'x-api-key': key, 'content-type': 'application/json' };
    // Pages start at different quotations: the newest, or after one of the 100 newest.
    const cursors = [null, ...made.slice(-100).map((id) => Buffer.from(`quotation:${id}`).toString('base64url'))];
    let turn = 0;
    const nextCursor = () => cursors[turn++ % cursors.length];

    const graphPage = async (): Promise<boolean> => {
      const response = await fetch(`${api.http.base}/graphql`, { method: 'POST', headers, body: JSON.stringify({ query: PAGE, variables: { first: 50, after: nextCursor() } }) });
      const body = (await response.json()) as { errors?: unknown };
      return response.status === 200 && !body.errors;
    };
    const restPage = async (): Promise<boolean> => {
      const after = nextCursor();
      const list = await fetch(`${api.http.base}/v1/bench/quotations?first=50${after ? `&after=${after}` : ''}`, { headers: { 'x-api-key': key } });
      if (list.status !== 200) return false;
      const { ids } = (await list.json()) as { ids: number[] };
      const details = await Promise.all(ids.map((id) => fetch(`${api.http.base}/v1/bench/quotations/${id}`, { headers: { 'x-api-key': key } }).then(async (r) => (await r.arrayBuffer(), r.status))));
      return details.every((status) => status === 200);
    };

    // The key is looked up once, then vouched for; then one page each warms both paths and counts its SQL.
    await fetch(`${api.http.base}/graphql?query=${encodeURIComponent('{ __typename }')}`, { headers: { 'x-api-key': key } });
    const before = queries;
    if (!(await graphPage())) throw new Error('the GraphQL page failed');
    const graphQueries = queries - before;
    const middle = queries;
    if (!(await restPage())) throw new Error('the REST page failed');
    const restQueries = queries - middle;

    ctx.log(`graphql: GraphQL pages for ${seconds} s`);
    const graph = await closedLoop(seconds, graphPage);
    ctx.log(`graphql: REST pages for ${seconds} s`);
    const rest = await closedLoop(seconds, restPage);
    return {
      quotations: made.length,
      pageSize: 50,
      pagesInFlight: IN_FLIGHT,
      secondsEach: seconds,
      graphql: summary(graph, graphQueries, 1),
      rest: summary(rest, restQueries, 51),
    };
  } finally {
    await api.close();
    // chDB merging while the process exits can crash its exit handlers: close it first.
    await (await testClickHouse()).close();
  }
}
