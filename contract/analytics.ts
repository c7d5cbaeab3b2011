import { Type, type Static } from 'typebox';

/**
 * POST /v1/analytics/query: an analyst's read-only SQL on the warehouse. What the body may ask for is the analyst
 * guard's to say (its formats, longest query, the API's row and time limits), so the body is built with them.
 */
export interface AnalyticsLimits<F extends string> {
  formats: readonly F[];
  maxSqlLength: number;
  maxRows: number;
  defaultRows: number;
  maxSeconds: number;
  defaultSeconds: number;
}

const ParamValue = Type.Union([Type.String({ maxLength: 10_000 }), Type.Number(), Type.Boolean(), Type.Null(), Type.Array(Type.Union([Type.String({ maxLength: 10_000 }), Type.Number(), Type.Boolean(), Type.Null()]), { maxItems: 10_000 })]);

export const AnalyticsQueryBody = <F extends string>(limits: AnalyticsLimits<F>) =>
  Type.Object(
    {
      sql: Type.String({ minLength: 1, maxLength: limits.maxSqlLength, description: 'One SELECT statement; {name:Type} for parameters' }),
      params: Type.Optional(Type.Record(Type.String({ pattern: '^[A-Za-z_][A-Za-z0-9_]{0,63}$' }), ParamValue, { maxProperties: 100, description: 'Values of the query parameters, by name' })),
      format: Type.Optional(Type.Union(limits.formats.map((f) => Type.Literal(f)), { default: 'json', description: 'json (columns and rows), csv (with a header), parquet, arrow (Arrow IPC stream)' })),
      maxRows: Type.Optional(Type.Integer({ minimum: 1, maximum: limits.maxRows, default: limits.defaultRows, description: 'Most rows the result may have' })),
      timeoutSeconds: Type.Optional(Type.Integer({ minimum: 1, maximum: limits.maxSeconds, default: limits.defaultSeconds, description: 'Seconds the query may run' })),
    },
    { additionalProperties: false },
  );

/** The answer in format json; the other formats answer their own content type. */
export const AnalyticsAnswer = Type.Object(
  {
    columns: Type.Array(Type.Object({ name: Type.String(), type: Type.String({ description: 'ClickHouse type' }) })),
    rows: Type.Array(Type.Array(Type.Unknown()), { description: 'One array per row, in column order; 64-bit integers as JSON numbers' }),
    rowCount: Type.Integer(),
    elapsedMs: Type.Integer(),
  },
  { description: 'format json; the other formats answer their own content type' },
);
export type AnalyticsAnswer = Static<typeof AnalyticsAnswer>;
