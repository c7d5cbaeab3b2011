import pg from 'pg';
import type { IngestTable } from './ingest-tables.ts';

/**
 * Values PostgreSQL keeps and ClickHouse cannot: a numeric NaN or ±Infinity (ClickHouse's Decimal has neither) and
 * a date or timestamp at ±infinity (DateTime64 has no such value). One of them makes a table's copy fail as a whole,
 * on every run, until the row is corrected; this names the first one found, so the error says which row to correct.
 */
export async function firstUnstorableValue(pool: pg.Pool, table: IngestTable): Promise<string | undefined> {
  const { rows: columns } = await pool.query<{ column_name: string; data_type: string }>(
    `SELECT column_name, data_type FROM information_schema.columns
      WHERE table_schema = current_schema() AND table_name = $1
        AND data_type IN ('numeric', 'date', 'timestamp with time zone', 'timestamp without time zone')
      ORDER BY ordinal_position`,
    [table.name],
  );
  const key = table.key.map((k) => pg.escapeIdentifier(k));
  for (const { column_name: column, data_type: type } of columns) {
    const c = pg.escapeIdentifier(column);
    const unstorable = type === 'numeric' ? `${c} IN ('NaN', 'Infinity', '-Infinity')` : `NOT isfinite(${c})`;
    const { rows } = await pool.query<{ key: unknown[]; value: string }>(
      `SELECT json_build_array(${key.join(', ')}) AS key, ${c}::text AS value FROM ${pg.escapeIdentifier(table.name)} WHERE ${unstorable} LIMIT 1`,
    );
    if (rows.length > 0) {
      const at = table.key.map((k, i) => `${k} ${JSON.stringify(rows[0].key[i])}`).join(', ');
      return `${table.name}.${column} is ${rows[0].value} at ${at}, which ClickHouse cannot store: correct that row in PostgreSQL`;
    }
  }
  return undefined;
}
