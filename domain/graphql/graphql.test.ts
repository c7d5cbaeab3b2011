import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import Fastify from 'fastify';
import { createQuotation } from '../quotations/create-quotation.ts';
import { DEFAULT_BANDS } from '../quotations/price-table.ts';
import { unreachableScorer } from '../../test/support/unreachable-scorer.ts';
import { quietLog } from '../../test/support/services.ts';
import { startAttackedApi, type AttackedApi } from '../../test/security/attacked-api.ts';
import type { Role } from '../../platform/http/roles.ts';
import { quotationGraph } from './graphql-plugin.ts';
import { MAX_COST } from './query-limits.ts';
import { quotationAnalytics } from './quotation-analytics.ts';
import type { InputError } from '../../platform/errors.ts';
import { PAGE } from '../../test/support/graphql-page-query.ts';
import { quotationHistory } from '../../test/worlds/quotation-history.ts';

/**
 * The GraphQL layer over real HTTP on the API as `npm start` serves it (authentication, roles, rate limits, error
 * handler), on a real PostgreSQL holding quotations made by the quotation engine itself.
 */

describe('GraphQL over quotations', () => {
  let api: AttackedApi;
  let queries = 0;
  const made: number[] = [];

  const gql = async (role: Role | null, query: string, variables?: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
    api.http.call('POST', '/graphql', { key: role ? api.keys[role] : undefined, body: { query, variables, ...extra } });
  /** SQL statements sent through the pool while `work` runs. */
  const counted = async <T>(work: () => Promise<T>): Promise<{ result: T; queries: number }> => {
    const before = queries;
    const result = await work();
    return { result, queries: queries - before };
  };

  before(async () => {
    api = await startAttackedApi('graphql');
    const pool = api.db.pool;
    const original = pool.query.bind(pool);
    pool.query = ((...args: Parameters<typeof pool.query>) => {
      queries += 1;
      return (original as (...a: unknown[]) => unknown)(...args);
    }) as typeof pool.query;

    made.push(...(await quotationHistory(pool, 60)));
    // Each key is looked up once and then vouched for, so the counts below are the GraphQL layer's own.
    for (const role of ['quotation-engine', 'pricing-manager', 'analyst', 'admin'] as const) assert.equal((await gql(role, '{ __typename }')).status, 200);
  });
  after(async () => api?.close());

  it('needs a credential, like every route of the API', async () => {
    const refused = await gql(null, '{ quotations { totalCount } }');
    assert.equal(refused.status, 401);
    assert.equal(refused.body.code, 'unauthorized');
    assert.equal(refused.body.errors[0].extensions.code, 'unauthorized');
    const wrong = await api.http.call('POST', '/graphql', { key: 'spk_' + 'A'.repeat(43), body: { query: '{ __typename }' } });
    assert.equal(wrong.status, 401);
    const viaGet = await api.http.call('GET', `/graphql?query=${encodeURIComponent('{ __typename }')}`);
    assert.equal(viaGet.status, 401);
  });

  it('serves a page of 50 quotations with items, versions, departures and bookings in the same number of SQL queries as a page of 5', async () => {
    const small = await counted(() => gql('analyst', PAGE, { first: 5 }));
    const full = await counted(() => gql('analyst', PAGE, { first: 50 }));
    assert.equal(full.result.status, 200, full.result.text.slice(0, 300));
    assert.equal(full.result.body.errors, undefined);
    const edges = full.result.body.data.quotations.edges;
    assert.equal(edges.length, 50);
    assert.equal(small.result.body.data.quotations.edges.length, 5);
    // page, count, itineraries, lines, versions, departures, bookings: one each, whatever the page size.
    assert.equal(full.queries, small.queries, `${small.queries} queries for 5, ${full.queries} for 50`);
    assert.equal(full.queries, 7);

    const { rows: truth } = await api.db.pool.query(
      `SELECT q.id, q.current_version, (SELECT count(*)::int FROM quotation_versions v WHERE v.quotation_id = q.id) AS versions,
              (SELECT count(*)::int FROM quotation_version_lines l WHERE l.quotation_id = q.id AND l.version = q.current_version AND l.kind = 'hotel') AS hotels,
              d.capacity - d.seats_sold AS seats_left, b.id AS booking_id
         FROM quotations q LEFT JOIN departures d ON d.id = q.departure_id LEFT JOIN bookings b ON b.quotation_id = q.id
        ORDER BY q.id DESC LIMIT 50`,
    );
    assert.deepEqual(edges.map((e: any) => Number(e.node.id)), truth.map((r) => Number(r.id)), 'newest first');
    for (const [i, { node }] of edges.entries()) {
      const t = truth[i];
      assert.equal(node.version, t.current_version);
      assert.equal(node.versions.length, t.versions);
      assert.deepEqual(node.versions.map((v: any) => v.version), Array.from({ length: t.versions }, (_, k) => k + 1));
      assert.equal(node.hotelItems.length, t.hotels);
      assert.equal(node.departure?.seatsLeft ?? null, t.seats_left);
      assert.equal(node.booking === null ? null : Number(node.booking.id), t.booking_id === null ? null : Number(t.booking_id));
      assert.ok(node.guideAssignments.every((g: any) => /^[a-z]{2}$/.test(g.language) && g.guides >= 1));
    }
    assert.ok(edges.some((e: any) => e.node.versions.length === 2 && e.node.versions[1].changeReason === 'one more traveller'), 'a revised quotation shows its history');
    assert.ok(edges.some((e: any) => e.node.booking?.status === 'created'), 'a converted quotation shows its booking');
    assert.ok(edges.some((e: any) => e.node.departure === null), 'a quotation off the schedule has no departure');
  });

  it('pages with cursors, filters by status and departure dates, and counts the whole filter', async () => {
    const seen: number[] = [];
    let after: string | null = null;
    for (let guard = 0; guard < 10; guard++) {
      const page: any = await gql('analyst', PAGE, { first: 25, after });
      assert.equal(page.status, 200, page.text.slice(0, 300));
      const q = page.body.data.quotations;
      assert.equal(q.totalCount, 60);
      seen.push(...q.edges.map((e: any) => Number(e.node.id)));
      if (!q.pageInfo.hasNextPage) break;
      after = q.pageInfo.endCursor;
    }
    assert.deepEqual(seen, [...made].sort((a, b) => b - a), 'every quotation once, newest first');

    const converted = await gql('analyst', PAGE, { first: 100, filter: { status: ['converted'] } });
    const { rows } = await api.db.pool.query(`SELECT count(*)::int AS n FROM quotations WHERE status = 'converted'`);
    assert.ok(rows[0].n > 0);
    assert.equal(converted.body.data.quotations.totalCount, rows[0].n);
    assert.ok(converted.body.data.quotations.edges.every((e: any) => e.node.status === 'converted'));

    const { rows: dates } = await api.db.pool.query('SELECT min(departure_date)::text AS d, count(*) FILTER (WHERE departure_date = (SELECT min(departure_date) FROM quotations))::int AS n FROM quotations');
    const window = await gql('analyst', PAGE, { first: 100, filter: { from: dates[0].d, to: dates[0].d } });
    assert.equal(window.body.data.quotations.totalCount, dates[0].n);
    assert.ok(window.body.data.quotations.edges.every((e: any) => e.node.departureDate === dates[0].d));

    const badCursor = await gql('analyst', PAGE, { first: 5, after: 'bm90LWEtY3Vyc29y' });
    assert.equal(badCursor.status, 200);
    assert.equal(badCursor.body.errors[0].extensions.code, 'invalid_input');
    assert.equal(badCursor.body.errors[0].extensions.field, 'after');
    const path = badCursor.body.errors[0].path;
    assert.deepEqual(path, ['quotations'], 'a path as GraphQL gives it');
    const tooMany = await gql('analyst', PAGE, { first: 500 });
    assert.equal(tooMany.status, 400);
    assert.deepEqual([tooMany.body.code, tooMany.body.field], ['invalid_input', 'first']);
    const none = await gql('analyst', PAGE, { first: 0 });
    assert.equal(none.body.errors[0].extensions.field, 'first');
    const badDate = await gql('analyst', PAGE, { first: 5, filter: { from: '2027-02-30' } });
    assert.equal(badDate.status, 400);
    assert.deepEqual([badDate.body.code, badDate.body.field], ['invalid_input', 'filter.from']);
    assert.match(badDate.body.message, /^filter\.from must be a date as YYYY-MM-DD, got "2027-02-30"$/);
  });

  it('names the argument of a bad date, written in the query or sent in a variable, with what was sent', async () => {
    // The Date scalar does not know which argument it parses: it said "date must be…" with no field, and
    // "got undefined" for a number written in the query.
    const cases: Array<[string, Record<string, unknown> | undefined, string, string]> = [
      ['{ quotations(filter: {from: "2026-13-45"}) { totalCount } }', undefined, 'filter.from', '"2026-13-45"'],
      ['{ quotations(filter: {status: [sent], to: 20260101}) { totalCount } }', undefined, 'filter.to', '20260101'],
      ['query Q($d: Date) { quotations(filter: {from: $d}) { totalCount } }', { d: 20260101 }, 'filter.from', '20260101'],
      ['query Q($range: DateRange!) { quotationAnalytics(dateRange: $range, groupBy: [STATUS]) { quotations } }', { range: { from: '2026-01-01', to: '2026-02-31' } }, 'dateRange.to', '"2026-02-31"'],
    ];
    for (const [query, variables, field, got] of cases) {
      const answer = await gql('analyst', query, variables);
      assert.equal(answer.status, 400, answer.text.slice(0, 300));
      assert.deepEqual(answer.body.errors[0].extensions, { code: 'invalid_input', field }, query);
      assert.equal(answer.body.field, field);
      assert.equal(answer.body.errors[0].message, `${field} must be a date as YYYY-MM-DD, got ${got}`);
    }
  });

  it('shows costs and margins to pricing managers and admins only', async () => {
    const costly = `{ quotations(first: 3) { edges { node { id priceTotal costTotal margin versions { costTotal margin } hotelItems { amount } } } } }`;
    for (const role of ['analyst', 'quotation-engine'] as const) {
      const refused = await counted(() => gql(role, costly));
      assert.equal(refused.result.status, 403);
      assert.equal(refused.result.body.code, 'forbidden');
      assert.match(refused.result.body.message, /Quotation\.costTotal, Quotation\.margin, QuotationVersion\.costTotal, QuotationVersion\.margin, QuotationItem\.amount/);
      assert.equal(refused.queries, 0, 'refused before any SQL');
    }
    // Through a fragment, too.
    const sneaky = await gql('analyst', `{ quotations(first: 1) { edges { node { ...money } } } } fragment money on Quotation { marginRate }`);
    assert.equal(sneaky.status, 403);
    for (const role of ['pricing-manager', 'admin'] as const) {
      const answer = await gql(role, costly);
      assert.equal(answer.status, 200, answer.text.slice(0, 300));
      const node = answer.body.data.quotations.edges[0].node;
      const { rows } = await api.db.pool.query('SELECT cost_total::float8 AS c, price_total::float8 AS p FROM quotations WHERE id = $1', [node.id]);
      assert.equal(node.costTotal, rows[0].c);
      assert.equal(node.margin, Math.round((rows[0].p - rows[0].c) * 100) / 100);
    }
    const plain = await gql('analyst', `{ quotations(first: 3) { edges { node { id priceTotal } } } }`);
    assert.equal(plain.status, 200);
  });

  it('refuses a query deeper than the limit, and one too costly however shallow', async () => {
    const deep = `{ quotations(first: 1) { edges { node { booking { quotation { booking { quotation { booking { quotation { id } } } } } } } } } }`;
    const refused = await counted(() => gql('admin', deep));
    assert.equal(refused.result.status, 400);
    assert.equal(refused.result.body.code, 'query_too_deep');
    assert.match(refused.result.body.message, /exceeds the query depth limit of 8/);
    assert.equal(refused.result.body.errors[0].extensions.code, 'query_too_deep');
    assert.equal(refused.queries, 0);
    const shallowEnough = `{ quotations(first: 1) { edges { node { booking { quotation { id } } } } } }`;
    assert.equal((await gql('admin', shallowEnough)).status, 200);

    const page = `quotations(first: 100) { edges { node { id hotelItems { name quantity nights detail } transportItems { name quantity } versions { version priceTotal priceSource } } } }`;
    const wide = `{ ${Array.from({ length: 10 }, (_, i) => `p${i}: ${page}`).join(' ')} }`;
    const tooCostly = await counted(() => gql('admin', wide));
    assert.equal(tooCostly.result.status, 400);
    assert.equal(tooCostly.result.body.code, 'query_too_complex');
    assert.match(tooCostly.result.body.message, new RegExp(`more than the ${MAX_COST}`));
    assert.equal(tooCostly.queries, 0);
    assert.equal((await gql('admin', `{ ${page} }`)).status, 200, 'one such page is fine');
    // The page size as a variable's default costs what it is: the request's variables do not hold it.
    const byDefault = `query ($n: Int = 100) { ${Array.from({ length: 10 }, (_, i) => `p${i}: ${page.replace('first: 100', 'first: $n')}`).join(' ')} }`;
    const costlyByDefault = await counted(() => gql('analyst', byDefault));
    assert.equal(costlyByDefault.result.body.code, 'query_too_complex', costlyByDefault.result.text);
    assert.equal(costlyByDefault.queries, 0);

    // Fields that each run a query of their own cost that query: sixty aliased aggregates held every connection of
    // the pool while they ran, and thousands of one-row pages were thousands of queries.
    const range = `dateRange: { from: "2024-01-01", to: "2026-12-31" }`;
    const aggregates = `{ ${Array.from({ length: 4 }, (_, i) => `a${i}: quotationAnalytics(${range}, groupBy: [DESTINATION]) { destination quotations }`).join(' ')} }`;
    const tooManyAggregates = await counted(() => gql('analyst', aggregates));
    assert.equal(tooManyAggregates.result.body.code, 'query_too_complex', tooManyAggregates.result.text.slice(0, 300));
    assert.equal(tooManyAggregates.queries, 0);
    const pages = `{ ${Array.from({ length: 100 }, (_, i) => `p${i}: quotations(first: 1) { edges { node { id } } }`).join(' ')} }`;
    assert.equal((await gql('analyst', pages)).body.code, 'query_too_complex');
    const counts = `{ ${Array.from({ length: 50 }, (_, i) => `c${i}: quotations(first: 1) { totalCount }`).join(' ')} }`;
    assert.equal((await gql('analyst', counts)).body.code, 'query_too_complex');
    const twoAggregates = await gql('analyst', `{ ${Array.from({ length: 2 }, (_, i) => `a${i}: quotationAnalytics(${range}, groupBy: [DESTINATION]) { destination quotations }`).join(' ')} }`);
    assert.equal(twoAggregates.status, 200, twoAggregates.text.slice(0, 300));

    // Introspection costs what it asks: the schema's types and fields once is fine, fifty times over is not.
    const schemaTree = '__schema { types { name fields { name args { name type { name ofType { name } } } type { name kind ofType { name kind ofType { name } } } } } }';
    const once = await gql('analyst', `{ ${schemaTree} }`);
    assert.equal(once.status, 200, once.text.slice(0, 300));
    assert.ok(once.body.data.__schema.types.some((t: { name: string }) => t.name === 'Quotation'));
    const introspections = await gql('analyst', `{ ${Array.from({ length: 50 }, (_, i) => `s${i}: ${schemaTree}`).join(' ')} }`);
    assert.equal(introspections.status, 400, introspections.text.slice(0, 200));
    assert.equal(introspections.body.code, 'query_too_complex');
  });

  it('answers bad queries with a code and a message', async () => {
    const syntax = await gql('analyst', '{ quotations(first: ) }');
    assert.equal(syntax.status, 400);
    assert.equal(syntax.body.code, 'invalid_query');
    assert.match(syntax.body.message, /Syntax Error/);
    const unknown = await gql('analyst', '{ quotations { nope } }');
    assert.equal(unknown.status, 400);
    assert.match(unknown.body.message, /Cannot query field "nope"/);
    const notJson = await api.http.call('POST', '/graphql', { key: api.keys.analyst, rawBody: '{"query": ', headers: { 'content-type': 'application/json' } });
    assert.equal(notJson.status, 400);
    assert.equal(notJson.body.code, 'invalid_json');
    const missing = await gql('analyst', '{ quotation(id: "999999") { id } }');
    assert.equal(missing.status, 200);
    assert.equal(missing.body.data.quotation, null);
  });

  it('reads through GET for queries, never for mutations', async () => {
    const read = await api.http.call('GET', `/graphql?query=${encodeURIComponent('{ quotations(first: 2) { edges { node { id } } } }')}`, { key: api.keys.analyst });
    assert.equal(read.status, 200);
    assert.equal(read.body.data.quotations.edges.length, 2);
    const write = await api.http.call('GET', `/graphql?query=${encodeURIComponent('mutation { updateQuotation(input: {id: "1", reason: "x"}) { version } }')}`, { key: api.keys.admin });
    assert.equal(write.status, 405);
    assert.equal(write.body.code, 'method_not_allowed');
  });

  it('checks the operation a POST runs: the one its body names, never one named in the URL', async () => {
    const post = (role: Role, path: string, body: Record<string, unknown>) => counted(() => api.http.call('POST', path, { key: api.keys[role], body }));
    // A name in the URL of a POST switched the role and cost checks off: they measured an operation that did not
    // exist as nothing, while mercurius ran the body's only operation.
    const costs = '{ quotations(first: 2) { edges { node { id costTotal margin } } } }';
    const viaUrl = await post('analyst', '/graphql?operationName=x', { query: costs });
    assert.equal(viaUrl.result.status, 403, viaUrl.result.text.slice(0, 300));
    assert.equal(viaUrl.result.body.code, 'forbidden');
    assert.equal(viaUrl.queries, 0);
    const write = await post('analyst', '/graphql?operationName=x', { query: 'mutation { updateQuotation(input: {id: "1", reason: "x"}) { version } }' });
    assert.equal(write.result.status, 403, write.result.text.slice(0, 300));
    assert.equal(write.queries, 0);
    const schemaTree = '__schema { types { name fields { name type { name } } } }';
    const introspections = await post('analyst', '/graphql?operationName=x', { query: `{ ${Array.from({ length: 3000 }, (_, i) => `s${i}: ${schemaTree}`).join(' ')} }` });
    assert.equal(introspections.result.status, 400, introspections.result.text.slice(0, 300));
    assert.equal(introspections.result.body.code, 'query_too_complex');

    // A name that matches nothing: GraphQL runs none, so none is checked and the request is refused.
    const two = `query Plain { quotations(first: 1) { edges { node { id } } } } query Costs ${costs}`;
    const refusals: Array<[string, Record<string, unknown>, string]> = [
      ['a name that matches nothing', { query: costs, operationName: 'Nope' }, 'operationName'],
      ['an empty name', { query: costs, operationName: '' }, 'operationName'],
      ['two operations and no name', { query: two }, 'query'],
      ['two operations and a null name', { query: two, operationName: null }, 'query'],
      ['two operations and a name', { query: two, operationName: 'Plain' }, 'query'],
    ];
    for (const [what, body, field] of refusals) {
      const refused = await post('analyst', '/graphql', body);
      assert.equal(refused.result.status, 400, `${what}: ${refused.result.text.slice(0, 300)}`);
      assert.deepEqual([refused.result.body.code, refused.result.body.field], ['invalid_input', field], what);
      assert.equal(refused.result.body.errors[0].extensions.field, field, what);
      assert.equal(refused.queries, 0, what);
    }
    // Found in the review of the fix: mercurius compiles a query seen twice, keyed by its text alone, for the
    // operation of the request that compiled it. A manager ran Costs twice; an analyst naming Plain in the same text
    // then got Costs, costs and margins included. Several operations in one text are refused, whoever sends them.
    for (let i = 0; i < 3; i++) assert.equal((await post('pricing-manager', '/graphql', { query: two, operationName: 'Costs' })).result.status, 400);
    const plain = await post('analyst', '/graphql', { query: two, operationName: 'Plain' });
    assert.equal(plain.result.status, 400, plain.result.text.slice(0, 300));
    assert.doesNotMatch(plain.result.text, /costTotal|margin"/);
    const named = await post('analyst', '/graphql?operationName=Costs', { query: 'query Plain { quotations(first: 1) { edges { node { id } } } }', operationName: 'Plain' });
    assert.equal(named.result.status, 200, named.result.text.slice(0, 300));
    assert.equal(named.result.body.data.quotations.edges.length, 1);
    assert.equal((await post('analyst', '/graphql', { query: costs, operationName: null })).result.status, 403);
  });

  it('refuses an operationName that matches no operation before mercurius looks for it, over GET as over POST', async () => {
    // GET: mercurius looked up the operation to refuse mutations, did not find it, and answered 500.
    const get = (query: string, operationName?: string) =>
      api.http.call('GET', `/graphql?query=${encodeURIComponent(query)}${operationName === undefined ? '' : `&operationName=${encodeURIComponent(operationName)}`}`, { key: api.keys.analyst });
    const refusals: Array<[string, string | undefined, string]> = [
      ['{ __typename }', 'Nope', 'operationName'],
      ['{ __typename }', '', 'operationName'],
      ['query A { __typename }', 'B', 'operationName'],
      ['query A { __typename } query B { __typename }', undefined, 'query'],
      ['query A { __typename } query B { __typename }', 'B', 'query'],
      ['{ quotations(first: 2) { edges { node { id costTotal } } } }', 'Nope', 'operationName'],
    ];
    for (const [query, name, field] of refusals) {
      const refused = await get(query, name);
      assert.equal(refused.status, 400, `${query} as ${name}: ${refused.text.slice(0, 300)}`);
      assert.deepEqual([refused.body.code, refused.body.field], ['invalid_input', field]);
      if (field === 'operationName') assert.ok(refused.body.message.includes(JSON.stringify(name)), refused.body.message);
    }
    const named = await get('query B { quotations(first: 1) { totalCount } }', 'B');
    assert.equal(named.status, 200, named.text.slice(0, 300));
    assert.equal(named.body.data.quotations.totalCount, made.length);
    assert.equal((await get('query Costs { quotations(first: 2) { edges { node { id costTotal } } } }', 'Costs')).status, 403);
    // POST with variables: mercurius checked them against the operation it could not find, and its refusal did not
    // say which field was wrong.
    const withVariables = await gql('analyst', 'query Page($n: Int) { quotations(first: $n) { totalCount } }', { n: 1 }, { operationName: 'Nope' });
    assert.equal(withVariables.status, 400, withVariables.text.slice(0, 300));
    assert.deepEqual([withVariables.body.code, withVariables.body.field], ['invalid_input', 'operationName']);
  });

  it('refuses at once fragments that each spread the next twice, and still counts a fragment wherever it is spread', async () => {
    // Each fragment spreads the next twice: 26 levels in 1 KB are 2^26 fields. Walked anew at every spread, the
    // estimate took time doubling with each level (24 levels: 15 s, with /health waiting), before refusing anyway.
    const levels = 26;
    const fragments = Array.from({ length: levels }, (_, i) => `fragment F${i} on Query { ...F${i + 1} ...F${i + 1} }`).join(' ');
    const bomb = `{ ...F0 } ${fragments} fragment F${levels} on Query { __typename }`;
    assert.ok(bomb.length < 1500);
    const started = performance.now();
    const timed = async <T>(work: Promise<T>) => {
      const answer = await work;
      return { answer, seconds: (performance.now() - started) / 1000 };
    };
    const [refused, health] = await Promise.all([timed(gql('analyst', bomb)), timed(api.http.call('GET', '/health'))]);
    assert.equal(refused.answer.status, 400, refused.answer.text.slice(0, 300));
    assert.equal(refused.answer.body.code, 'query_too_complex');
    assert.equal(health.answer.status, 200);
    // Answered in milliseconds; walked spread by spread, 26 levels take most of a minute.
    assert.ok(refused.seconds < 2, `refused after ${refused.seconds.toFixed(1)} s`);
    assert.ok(health.seconds < 2, `/health answered after ${health.seconds.toFixed(1)} s`);

    // Measured once, a fragment still costs what it asks at every place it is spread.
    const page = 'edges { node { id hotelItems { name quantity nights detail } transportItems { name quantity } versions { version priceTotal priceSource } } }';
    const pages = `{ ${Array.from({ length: 10 }, (_, i) => `p${i}: quotations(first: 100) { ...Page }`).join(' ')} } fragment Page on QuotationConnection { ${page} }`;
    assert.equal((await gql('admin', pages)).body.code, 'query_too_complex');
    assert.equal((await gql('admin', `{ quotations(first: 100) { ...Page } } fragment Page on QuotationConnection { ${page} }`)).status, 200, 'one such page is fine');
    const counts = `{ ${Array.from({ length: 50 }, (_, i) => `c${i}: quotations(first: 1) { ...Count }`).join(' ')} } fragment Count on QuotationConnection { totalCount }`;
    assert.equal((await gql('analyst', counts)).body.code, 'query_too_complex');
  });

  it('takes persisted queries by their hash', async () => {
    const query = '{ quotations(first: 1) { totalCount } }';
    const sha256Hash = crypto.createHash('sha256').update(query).digest('hex');
    const extensions = { persistedQuery: { version: 1, sha256Hash } };
    const unknown = await api.http.call('POST', '/graphql', { key: api.keys.analyst, body: { extensions } });
    assert.equal(unknown.status, 400);
    assert.equal(unknown.body.code, 'persisted_query_not_found');
    assert.equal((await api.http.call('POST', '/graphql', { key: api.keys.analyst, body: { query, extensions } })).status, 200);
    const byHash = await api.http.call('POST', '/graphql', { key: api.keys.analyst, body: { extensions } });
    assert.equal(byHash.status, 200);
    assert.equal(byHash.body.data.quotations.totalCount, made.length);
  });

  it('aggregates quotation analytics in the database, margins for pricing roles only', async () => {
    const today = new Date().toISOString().slice(0, 10);
    const yearAgo = new Date(Date.now() - 365 * 86_400_000).toISOString().slice(0, 10);
    const query = `query A($range: DateRange!) { quotationAnalytics(dateRange: $range, groupBy: [DESTINATION, STATUS]) { destination status quotations travellers converted conversionRate quotedValue } }`;
    const answer = await counted(() => gql('analyst', query, { range: { from: yearAgo, to: today } }));
    assert.equal(answer.result.status, 200, answer.result.text.slice(0, 300));
    assert.equal(answer.result.body.errors, undefined, JSON.stringify(answer.result.body.errors));
    assert.equal(answer.queries, 1);
    const { rows } = await api.db.pool.query(
      `SELECT d.name AS destination, q.status, count(*)::int AS n, sum(q.party_size)::int AS pax, sum(q.price_total)::float8 AS value
         FROM quotations q JOIN itineraries i ON i.id = q.itinerary_id JOIN destinations d ON d.id = i.destination_id
        GROUP BY 1, 2 ORDER BY 1, 2`,
    );
    const got = answer.result.body.data.quotationAnalytics;
    assert.deepEqual(got.map((r: any) => [r.destination, r.status, r.quotations, r.travellers]), rows.map((r) => [r.destination, r.status, r.n, r.pax]));
    for (const [i, r] of got.entries()) assert.ok(Math.abs(r.quotedValue - rows[i].value) < 0.01);
    const converted = got.filter((r: any) => r.status === 'converted');
    assert.ok(converted.length > 0 && converted.every((r: any) => r.converted === r.quotations && r.conversionRate === 1));

    const withMargin = `query A($range: DateRange!) { quotationAnalytics(dateRange: $range, groupBy: [SERVICE_LEVEL]) { serviceLevel costTotal margin marginRate } }`;
    assert.equal((await gql('analyst', withMargin, { range: { from: yearAgo, to: today } })).status, 403);
    const manager = await gql('pricing-manager', withMargin, { range: { from: yearAgo, to: today } });
    assert.equal(manager.status, 200);
    assert.ok(manager.body.data.quotationAnalytics.every((r: any) => r.marginRate > 0 && r.marginRate < 1));
    const backwards = await gql('analyst', query, { range: { from: today, to: yearAgo } });
    assert.equal(backwards.body.errors[0].extensions.field, 'dateRange.from');
    const tooLong = await gql('analyst', query, { range: { from: '2020-01-01', to: today } });
    assert.equal(tooLong.body.errors[0].extensions.field, 'dateRange');
    // However many dimensions: the rows one answer holds are bounded, and the refusal says which argument to change.
    assert.ok(got.length >= 2);
    const cap = got.length - 1;
    const everything = await quotationAnalytics(api.db.pool, { from: yearAgo, to: today }, ['DESTINATION', 'STATUS'], cap).then(
      () => assert.fail('more rows than the cap were returned'),
      (err: unknown) => err as InputError,
    );
    assert.equal(everything.field, 'groupBy');
    assert.match(everything.message, new RegExp(`more than ${cap} rows`));
  });

  it('creates and changes a quotation through the engine: a version, an outbox event and an audit row in one transaction', async () => {
    const pool = api.db.pool;
    const { rows: trip } = await pool.query(`SELECT itinerary_id::int AS itinerary_id, departure_date::text AS d FROM departures ORDER BY id LIMIT 1`);
    const { rows: customer } = await pool.query('SELECT min(id)::int AS id FROM customers');
    const create = `mutation C($input: CreateQuotationInput!) { createQuotation(input: $input) {
      version priceSource members { name accessToken }
      quotation { id status partySize versions { version changedBy } departure { seatsLeft } guideAssignments { language } }
    } }`;
    const input = { customerId: customer[0].id, itineraryId: trip[0].itinerary_id, departureDate: trip[0].d, partySize: 3, channel: 'web', language: 'de', members: [{ name: 'Ann' }, { name: 'Bo' }, { name: 'Cy' }] };

    const analyst = await gql('analyst', create, { input });
    assert.equal(analyst.status, 403, 'analysts read, they do not quote');
    const created = await gql('quotation-engine', create, { input });
    assert.equal(created.status, 200, created.text.slice(0, 400));
    assert.equal(created.body.errors, undefined, JSON.stringify(created.body.errors));
    const payload = created.body.data.createQuotation;
    const id = Number(payload.quotation.id);
    assert.equal(payload.version, 1);
    // No price model is served here: the engine falls back to cost-plus and says so.
    assert.equal(payload.priceSource, 'cost_plus_fallback');
    assert.deepEqual(payload.quotation.versions.map((v: any) => v.version), [1]);
    assert.match(payload.quotation.versions[0].changedBy, /^quotation-engine under attack \(api-key \d+\)$/);
    assert.ok(payload.quotation.guideAssignments.every((g: any) => g.language === 'de'));
    assert.ok(payload.members.every((m: any) => /^qm_/.test(m.accessToken)));

    const events = async () => (await pool.query(`SELECT type, payload FROM outbox_events WHERE aggregate_type = 'quotation' AND aggregate_id = $1 ORDER BY aggregate_seq`, [String(id)])).rows;
    const audits = async () => (await pool.query(`SELECT action, actor_key_id::text AS key, role, before, after FROM audit_log WHERE target = $1 ORDER BY id`, [`quotation:${id}`])).rows;
    assert.deepEqual((await events()).map((e) => e.type), ['quotation.created']);
    const [audit] = await audits();
    assert.equal(audit.action, 'quotation.create');
    assert.equal(audit.key, api.keyIds['quotation-engine']);
    assert.equal(audit.after.version, 1);

    const update = `mutation U($input: UpdateQuotationInput!) { updateQuotation(input: $input) { version quotation { version partySize versions { version changeReason } } } }`;
    const changed = await gql('pricing-manager', update, { input: { id: String(id), partySize: 2, members: [{ name: 'Ann' }, { name: 'Bo' }], reason: 'Cy cannot travel' } });
    assert.equal(changed.status, 200, changed.text.slice(0, 400));
    assert.equal(changed.body.errors, undefined, JSON.stringify(changed.body.errors));
    const revised = changed.body.data.updateQuotation;
    assert.equal(revised.version, 2);
    assert.equal(revised.quotation.partySize, 2);
    assert.deepEqual(revised.quotation.versions.map((v: any) => [v.version, v.changeReason]), [[1, null], [2, 'Cy cannot travel']]);
    assert.deepEqual((await events()).map((e) => e.type), ['quotation.created', 'quotation.updated']);
    const trail = await audits();
    assert.deepEqual(trail.map((a) => a.action), ['quotation.create', 'quotation.update']);
    assert.deepEqual([trail[1].before.partySize, trail[1].after.partySize, trail[1].role], [3, 2, 'pricing-manager']);

    // Bad input names the field and writes nothing.
    const counts = async () => (await pool.query(`SELECT (SELECT count(*) FROM quotations)::int AS q, (SELECT count(*) FROM outbox_events)::int AS e, (SELECT count(*) FROM audit_log)::int AS a`)).rows[0];
    const beforeBad = await counts();
    const bad = await gql('admin', create, { input: { ...input, partySize: 0, members: undefined } });
    assert.equal(bad.status, 200);
    assert.equal(bad.body.data.createQuotation, null);
    assert.deepEqual(bad.body.errors[0].extensions, { code: 'invalid_input', field: 'partySize' });
    const noSuch = await gql('admin', update, { input: { id: '99999999', reason: 'x' } });
    // The engine calls the id quotationId (as the REST path does); in this mutation it is input.id.
    assert.deepEqual(noSuch.body.errors[0].extensions, { code: 'not_found', field: 'input.id' });
    assert.deepEqual(await counts(), beforeBad);
  });

  it('writes the quotation, its event and its audit row together or not at all', async () => {
    const pool = api.db.pool;
    const counts = async () => (await pool.query(`SELECT (SELECT count(*) FROM quotations)::int AS q, (SELECT count(*) FROM outbox_events)::int AS e, (SELECT count(*) FROM audit_log)::int AS a`)).rows[0];
    const { rows: trip } = await pool.query(`SELECT itinerary_id::int AS itinerary_id, departure_date::text AS d FROM departures ORDER BY id LIMIT 1`);
    const { rows: customer } = await pool.query('SELECT min(id)::int AS id FROM customers');
    const request = { customerId: customer[0].id, itineraryId: trip[0].itinerary_id, departureDate: trip[0].d, partySize: 2, channel: 'web' as const, bands: [...DEFAULT_BANDS] };
    const deps = { pool, scorer: await unreachableScorer(), log: quietLog };
    const before = await counts();
    // audit_log refuses an empty actor (a CHECK): the last write of the transaction fails, and takes the rest with it.
    await assert.rejects(createQuotation(deps, request, 'agent:1', { audit: { name: '', role: 'admin', source: 'api' } }), /audit_log_actor_check|violates check constraint/);
    assert.deepEqual(await counts(), before);
    await createQuotation(deps, request, 'agent:1', { audit: { name: 'agent one', role: 'admin', source: 'api' } });
    const after = await counts();
    assert.deepEqual([after.q - before.q, after.e - before.e, after.a - before.a], [1, 1, 1]);
  });

  it('prices a mutation with the caller\'s own credential, a token as well as a key', async () => {
    const issued = await api.http.call('POST', '/v1/auth/token', { key: api.keys['quotation-engine'], body: { ttlSeconds: 300 } });
    assert.equal(issued.status, 200);
    const { rows: trip } = await api.db.pool.query(`SELECT itinerary_id::int AS itinerary_id, departure_date::text AS d FROM departures ORDER BY id LIMIT 1`);
    const { rows: customer } = await api.db.pool.query('SELECT min(id)::int AS id FROM customers');
    const created = await api.http.call('POST', '/graphql', {
      token: issued.body.token,
      body: {
        query: `mutation C($input: CreateQuotationInput!) { createQuotation(input: $input) { version priceSource quotation { id } } }`,
        variables: { input: { customerId: customer[0].id, itineraryId: trip[0].itinerary_id, departureDate: trip[0].d, partySize: 2, channel: 'phone' } },
      },
    });
    // Sent as an API key, the token would be refused by the scoring API (401) and the quotation with it.
    assert.equal(created.body.errors, undefined, JSON.stringify(created.body.errors));
    assert.equal(created.body.data.createQuotation.priceSource, 'cost_plus_fallback');
    const { rows } = await api.db.pool.query(`SELECT actor_key_id::text AS key FROM audit_log WHERE target = $1`, [`quotation:${created.body.data.createQuotation.quotation.id}`]);
    assert.deepEqual(rows, [{ key: api.keyIds['quotation-engine'] }]);
  });

  it('is in the OpenAPI document with its roles, GraphiQL is not', async () => {
    const document = (await api.http.call('GET', '/docs/json')).body;
    assert.ok(document.paths['/graphql'].post, 'POST /graphql documented');
    assert.ok(document.paths['/graphql'].get, 'GET /graphql documented');
    assert.match(document.paths['/graphql'].post.description, /Roles: quotation-engine, pricing-manager, analyst, admin/);
    assert.equal(Object.keys(document.paths).filter((p) => p.startsWith('/graphiql')).length, 0);
    assert.equal((await api.http.call('GET', '/graphiql')).status, 200, 'GraphiQL outside production');
  });

  it('has no GraphiQL in production', async () => {
    const saved = process.env.NODE_ENV;
    process.env.NODE_ENV = 'production';
    try {
      const app = Fastify();
      await app.register(quotationGraph({ pool: api.db.pool, log: quietLog }));
      assert.equal((await app.inject({ method: 'GET', url: '/graphiql' })).statusCode, 404);
      await app.close();
    } finally {
      if (saved === undefined) delete process.env.NODE_ENV;
      else process.env.NODE_ENV = saved;
    }
  });
});
