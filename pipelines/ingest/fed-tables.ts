import type { ClickHouseClient } from '@clickhouse/client';
import { quoteIdentifier } from '../../platform/clickhouse.ts';
import { queryRows } from '../../features/warehouse-query.ts';

/**
 * The tables that an insert into a copy also writes: the tables of the materialized views that fire on its inserts
 * (mart_suggestion_acceptance, which migration 057's view adds each block of suggestion_decisions to), then those
 * their own inserts feed. Such a table only ever grows from the copy's inserts and is never recomputed, so a copy
 * emptied and loaded again must take it along, or it keeps what the copy no longer holds and counts the reload on
 * top. Refreshable views (the other marts) do not fire on inserts and rebuild themselves from the copies.
 *
 * Read from ClickHouse rather than listed here, so a view added by a later migration is found: system.tables names
 * the views that fire on a table's inserts (dependencies_*) on every version we run, embedded or server, but not
 * their TO table on all of them, which is read from the view's CREATE statement, as ClickHouse formats it.
 * A view without TO keeps its rows in a table of its own, which TRUNCATE of the view empties: it is given itself.
 * Each result is a qualified name, quoted, ready for a statement.
 */
export async function tablesFedBy(clickhouse: ClickHouseClient, table: string): Promise<string[]> {
  const [{ database }] = await queryRows<{ database: string }>(clickhouse, 'SELECT currentDatabase() AS database', {});
  const fed: string[] = [];
  const seen = new Set<string>();
  const visit = async (at: QualifiedName) => {
    for (const view of await viewsFiringOn(clickhouse, at)) {
      const target = (await targetOf(clickhouse, view)) ?? view;
      const name = qualified(target);
      if (seen.has(name)) continue;
      seen.add(name);
      fed.push(name);
      await visit(target);
    }
  };
  await visit({ database, name: table });
  return fed;
}

interface QualifiedName {
  database: string;
  name: string;
}

function qualified(table: QualifiedName): string {
  return `${quoteIdentifier(table.database)}.${quoteIdentifier(table.name)}`;
}

/** The materialized views that an insert into `table` runs. */
async function viewsFiringOn(clickhouse: ClickHouseClient, table: QualifiedName): Promise<QualifiedName[]> {
  const found = await queryRows<{ databases: string[]; names: string[] }>(
    clickhouse,
    'SELECT dependencies_database AS databases, dependencies_table AS names FROM system.tables WHERE database = {database:String} AND name = {name:String}',
    { database: table.database, name: table.name },
  );
  return found.flatMap((t) => t.names.map((name, i) => ({ database: t.databases[i], name })));
}

const NAME = '(?:`(?:[^`\\\\]|\\\\.)*`|[A-Za-z_][A-Za-z0-9_]*)';
/** `CREATE MATERIALIZED VIEW db.view [UUID '…'] TO db.table …`: the TO table, database and name as written. */
const TO_TABLE = new RegExp(`^CREATE MATERIALIZED VIEW\\s+${NAME}(?:\\.${NAME})?(?:\\s+UUID\\s+'[^']*')?\\s+TO\\s+(?!INNER\\b)(${NAME})(?:\\.(${NAME}))?`, 'i');

/** The table a materialized view writes to, when it names one (TO); undefined when it keeps its own. */
async function targetOf(clickhouse: ClickHouseClient, view: QualifiedName): Promise<QualifiedName | undefined> {
  const [found] = await queryRows<{ create: string }>(
    clickhouse,
    "SELECT create_table_query AS create FROM system.tables WHERE database = {database:String} AND name = {name:String} AND engine = 'MaterializedView'",
    { database: view.database, name: view.name },
  );
  const to = found && TO_TABLE.exec(found.create);
  if (!to) return undefined;
  return to[2] === undefined ? { database: view.database, name: unquote(to[1]) } : { database: unquote(to[1]), name: unquote(to[2]) };
}

function unquote(name: string): string {
  return name.startsWith('`') ? name.slice(1, -1).replace(/\\(.)/g, '$1') : name;
}
