import { Readable } from 'node:stream';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { SpiritError } from '../../platform/errors.ts';
import { ANALYST_FORMATS, API_LIMITS, AnalystWarehouse, CONTENT_TYPES, MAX_SQL_LENGTH, runAnalystQuery } from '../../platform/analyst-sql/index.ts';
import { ACCESS } from '../../platform/http/roles.ts';
import type { RouteOptions } from '../context.ts';
import { AnalyticsAnswer, AnalyticsQueryBody } from '../../contract/analytics.ts';
import { errorResponses } from '../../contract/common.ts';

/** Most rows and seconds a caller may ask for here: the API's cores are the scoring API's too. */
const MAX_ROWS = 100_000;
const MAX_SECONDS = 60;
/** Analyst queries running at once in this process; more wait for none and are told to retry. */
const MAX_RUNNING = 2;

/**
 * POST /v1/analytics/query: an analyst's read-only SQL on the warehouse, through the analyst guard
 * (platform/analyst-sql): one SELECT over the warehouse database, no table functions, no other databases,
 * readonly, with a time and a row limit. Parameters are ClickHouse query parameters: the query writes
 * `{name:Type}`, the body gives `params.name`, ClickHouse binds it as that type.
 */
export const analyticsRoutes: FastifyPluginAsyncTypebox<RouteOptions> = async (app, { ctx }) => {
  const warehouse = new AnalystWarehouse(ctx.config, ctx.clickhouse);
  app.addHook('onClose', () => warehouse.close());
  let running = 0;

  app.post(
    '/analytics/query',
    {
      config: { roles: ACCESS.query, audit: 'not-a-write' },
      schema: {
        tags: ['data'],
        summary: 'Run a read-only analyst query on the warehouse (JSON, CSV, Parquet or Arrow)',
        description:
          'One SELECT (or DESCRIBE, SHOW TABLES) over the warehouse database: no table functions, no other databases, no file or dictionary functions, ' +
          'SETTINGS from a short allowlist. Parameters: write {name:Type} in the query and give params.name. A result with more rows than maxRows is an error (400, field maxRows).',
        body: AnalyticsQueryBody({
          formats: ANALYST_FORMATS,
          maxSqlLength: MAX_SQL_LENGTH,
          maxRows: MAX_ROWS,
          defaultRows: API_LIMITS.rows,
          maxSeconds: MAX_SECONDS,
          defaultSeconds: API_LIMITS.seconds,
        }),
        response: { 200: AnalyticsAnswer, ...errorResponses(400, 401, 403, 429, 503) },
      },
    },
    async (request, reply) => {
      if (running >= MAX_RUNNING) throw new SpiritError('rate_limited', `${MAX_RUNNING} analyst queries are already running on this API process; retry in a few seconds`);
      running++;
      try {
        const body = request.body;
        const format = body.format ?? 'json';
        const result = await runAnalystQuery(warehouse, {
          sql: body.sql,
          params: body.params,
          format,
          limits: { ...API_LIMITS, rows: body.maxRows ?? API_LIMITS.rows, seconds: body.timeoutSeconds ?? API_LIMITS.seconds },
        });
        reply.header('x-elapsed-ms', String(result.elapsedMs));
        if (result.format === 'json') {
          // The rows go out as ClickHouse wrote them (run-analyst-query.ts says why); the rest is a few bytes.
          if (result.rowsJson !== undefined) {
            const head = Buffer.from(`{"columns":${JSON.stringify(result.columns)},"rows":`);
            const tail = Buffer.from(`,"rowCount":${result.rowCount},"elapsedMs":${result.elapsedMs}}`);
            return reply.type(CONTENT_TYPES.json).send(Readable.from([head, result.rowsJson, tail], { objectMode: false }) as never);
          }
          return { columns: result.columns, rows: result.rows, rowCount: result.rows.length, elapsedMs: result.elapsedMs };
        }
        return reply.type(CONTENT_TYPES[result.format]).header('content-disposition', `attachment; filename="query.${result.format === 'arrow' ? 'arrows' : result.format}"`).send(result.body as never);
      } finally {
        running--;
      }
    },
  );
};
