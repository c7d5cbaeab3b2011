import { walk, type AstNode } from './ast-dump.ts';
import { allowedValue } from './allowed-settings.ts';
import { withoutStringLiterals, type SettingChange } from './canonical-query.ts';

/**
 * The analyst guard's rules, over ClickHouse's parse of the query (EXPLAIN AST):
 * - one SELECT (or DESCRIBE of a table, or SHOW TABLES of the warehouse); nothing that writes or changes state;
 * - tables of the warehouse database only, and only those stored in it (MergeTree family, views); no other
 *   database (system, information_schema…), no table whose engine reaches files or other hosts;
 * - not the admins' tables (ADMIN_ONLY_TABLES): the audit log is read by admins through its own route;
 * - no table functions at all (file, url, postgresql, s3, remote, merge, view, numbers…);
 * - no function that reads outside the query's tables: file(), dictionaries, joinGet, hasColumnInTable…;
 * - no INTO OUTFILE, no FORMAT (the caller chooses the format), no EXPLAIN, in SELECT and DESCRIBE alike;
 * - no line break or other control character in a name or alias (see controlCharacterIdentifier);
 * - SETTINGS only from the allowlist (allowed-settings.ts), with allowed values.
 * Each rule is pure and returns refusals a person can act on; an empty list means the query may run.
 */
export interface Refusal {
  rule: 'statement' | 'table_function' | 'database' | 'engine' | 'admin_only' | 'function' | 'output' | 'setting';
  message: string;
}

export interface WarehouseView {
  /** The warehouse database: the only one an analyst may read. */
  database: string;
  /** Its tables and their engines (from system.tables), to refuse tables whose engine reaches outside. */
  engines: ReadonlyMap<string, string>;
}

/**
 * Warehouse tables analysts may not read: the audit log's copy (key creations and revocations, exports, the
 * before/after of every write) is for admins (docs/security.md), who read it at GET /v1/admin/audit. The server's
 * analyst user is refused them too (deploy/clickhouse/analyst-user.sh).
 */
export const ADMIN_ONLY_TABLES: ReadonlySet<string> = new Set(['audit_log', 'audit_log_latest']);

/** Functions that read files, dictionaries or other tables by name, or the server's configuration, or only stall. */
const FORBIDDEN_FUNCTIONS = new Set(
  [
    'file',
    'joinGet',
    'joinGetOrNull',
    'hasColumnInTable',
    'getServerSetting',
    'getMergeTreeSetting',
    'getMacro',
    'getClientHTTPHeader',
    'catboostEvaluate',
    'filesystemAvailable',
    'filesystemCapacity',
    'filesystemUnreserved',
    'addressToLine',
    'addressToLineWithInlines',
    'addressToSymbol',
    'demangle',
    'sleep',
    'sleepEachRow',
  ].map((f) => f.toLowerCase()),
);

/** How EXPLAIN AST names a function: anything else means the line was not the function's own. */
const FUNCTION_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Functions whose right-hand argument may name a table (`x IN system.users`). */
const IN_FUNCTIONS = new Set(['in', 'notin', 'globalin', 'globalnotin', 'nullin', 'notnullin', 'globalnullin', 'globalnotnullin']);

/** Engines that keep their data in the warehouse itself. */
const LOCAL_ENGINE = /^(?:(?:Replacing|Summing|Aggregating|Collapsing|VersionedCollapsing|Graphite|Coalescing)?MergeTree|View|MaterializedView)$/;

const STATEMENT_NAMES: Record<string, string> = {
  InsertQuery: 'INSERT',
  CreateQuery: 'CREATE',
  AlterQuery: 'ALTER',
  DropQuery: 'DROP/TRUNCATE',
  RenameQuery: 'RENAME',
  SetQuery: 'SET',
  Explain: 'EXPLAIN',
  UseQuery: 'USE',
  SystemQuery: 'SYSTEM',
  OptimizeQuery: 'OPTIMIZE',
  DeleteQuery: 'DELETE',
  UpdateQuery: 'UPDATE',
  KillQueryQuery: 'KILL',
  GrantQuery: 'GRANT',
};

function tableRefusal(name: string, view: WarehouseView, how: string): Refusal | undefined {
  const parts = name.split('.');
  if (parts.length > 2) return { rule: 'database', message: `${how} ${name}: only tables of the warehouse database ${view.database} may be read` };
  if (parts.length === 2 && parts[0] !== view.database) {
    return { rule: 'database', message: `${how} ${name} is in database ${parts[0]}: only tables of the warehouse database ${view.database} may be read` };
  }
  const table = parts[parts.length - 1];
  if (ADMIN_ONLY_TABLES.has(table)) return { rule: 'admin_only', message: `${how} ${table} is for admins (GET /v1/admin/audit); analysts may not read it` };
  const engine = view.engines.get(table);
  if (engine !== undefined && !LOCAL_ENGINE.test(engine)) {
    return { rule: 'engine', message: `${how} ${table} is a ${engine} table, which reaches outside the warehouse; it may not be read by analysts` };
  }
  return undefined;
}

/** SHOW TABLES [FROM db] [LIKE '…'] as the canonical text writes it; SHOW DATABASES, CLUSTERS, SETTINGS… parse to the same node. */
const SHOW_TABLES = /^SHOW TABLES(?: (?:FROM|IN) (\S+))?(?: (?:NOT )?I?LIKE '(?:[^'\\]|\\.)*')?$/;

const INTO_OUTFILE: Refusal = { rule: 'output', message: 'INTO OUTFILE is not allowed: results come back to you (use --format csv, json…)' };

/**
 * What a SELECT or DESCRIBE holds beside its query or table: a Literal is INTO OUTFILE's file, an Identifier a
 * FORMAT. ClickHouse writes an INTO OUTFILE file in its own process even in readonly mode, so both are refused.
 */
function outputRefusals(extras: readonly AstNode[]): Refusal[] {
  const refusals: Refusal[] = [];
  for (const extra of extras) {
    if (extra.kind === 'Identifier') refusals.push({ rule: 'output', message: `FORMAT ${extra.detail} is not allowed in the query: choose the output with the format option (json, csv, parquet, arrow)` });
    else refusals.push(INTO_OUTFILE);
  }
  return refusals;
}

function statementRefusal(root: AstNode, view: WarehouseView, canonical: string): Refusal[] {
  // INTO OUTFILE is looked for in the words too (string literals left out), whatever the statement's tree holds.
  const intoOutfile = /\bINTO\s+OUTFILE\b/i.test(withoutStringLiterals(canonical));
  const refusals = kindRefusals(root, view, canonical);
  return intoOutfile && !refusals.includes(INTO_OUTFILE) ? [INTO_OUTFILE, ...refusals] : refusals;
}

function kindRefusals(root: AstNode, view: WarehouseView, canonical: string): Refusal[] {
  if (root.kind === 'SelectWithUnionQuery' || root.kind === 'DescribeQuery') return [...new Set(outputRefusals(root.children.slice(1)))];
  if (root.kind === 'ShowTables') {
    const show = SHOW_TABLES.exec(canonical.trim());
    if (!show) return [{ rule: 'statement', message: `${canonical.trim().split(/\s+/).slice(0, 2).join(' ')} is not allowed: of the SHOW statements, analysts may run SHOW TABLES` }];
    const database = show[1]?.replace(/^`(.*)`$/, '$1');
    return database !== undefined && database !== view.database ? [{ rule: 'database', message: `SHOW TABLES of database ${database}: only the warehouse database ${view.database} may be read` }] : [];
  }
  const kind = root.kind.split(' ')[0];
  const name = STATEMENT_NAMES[kind] ?? kind.replace(/Query$/, '').toUpperCase();
  return [{ rule: 'statement', message: `${name} statements are not allowed: analyst queries are read-only SELECTs (or DESCRIBE, SHOW TABLES)` }];
}

const UNREADABLE_SETTINGS: Refusal = { rule: 'setting', message: 'the SETTINGS clause could not be read; write it as SETTINGS name = value, …' };

/**
 * Settings outside the allowlist, read from the canonical text. Checked before ClickHouse parses the query with
 * them (EXPLAIN applies a query's SETTINGS), and again after, against the number of SETTINGS clauses it found.
 */
export function settingsRefusals(clauses: SettingChange[][] | undefined, setNodes?: number): Refusal[] {
  if (clauses === undefined || (setNodes !== undefined && clauses.length !== setNodes)) return [UNREADABLE_SETTINGS];
  const refusals: Refusal[] = [];
  for (const change of clauses.flat()) {
    if (allowedValue(change.name, change.value) === undefined) {
      refusals.push({ rule: 'setting', message: `SETTINGS ${change.name} = ${change.value} is not allowed: analysts may set only join_use_nulls, transform_null_in, date_time_output_format and a few others (platform/analyst-sql/allowed-settings.ts), and never limits` });
    }
  }
  return refusals;
}

/** Everything wrong with the query, or an empty list when the guard lets it run. */
export function inspectQuery(root: AstNode, view: WarehouseView, canonical: string, settings: SettingChange[][] | undefined): Refusal[] {
  const refusals = statementRefusal(root, view, canonical);
  if (refusals.some((r) => r.rule === 'statement')) return refusals;
  let setNodes = 0;
  for (const { node, parent } of walk(root)) {
    if (node.kind === 'Set') setNodes++;
    else if (node.kind === 'Explain') refusals.push({ rule: 'statement', message: 'EXPLAIN is not allowed inside an analyst query' });
    else if (node.kind === 'Function' && parent?.kind === 'TableExpression') {
      refusals.push({ rule: 'table_function', message: `table function ${node.detail}() is not allowed: analyst queries read the warehouse's own tables only` });
    } else if (node.kind === 'Function' && !FUNCTION_NAME.test(node.detail)) {
      refusals.push({ rule: 'function', message: `a function call could not be read (${JSON.stringify(node.detail.slice(0, 60))}): write names and aliases without line breaks or other control characters` });
    } else if (node.kind === 'Function' && (FORBIDDEN_FUNCTIONS.has(node.detail.toLowerCase()) || node.detail.toLowerCase().startsWith('dict'))) {
      refusals.push({ rule: 'function', message: `function ${node.detail}() is not allowed: it reads files, dictionaries or tables outside the query` });
    } else if (node.kind === 'Function' && IN_FUNCTIONS.has(node.detail.toLowerCase())) {
      const right = node.children[0]?.children[1];
      if (right?.kind === 'Identifier') {
        const refusal = tableRefusal(right.detail, view, 'table');
        if (refusal) refusals.push(refusal);
      }
    } else if (node.kind === 'TableIdentifier') {
      const refusal = tableRefusal(node.detail, view, 'table');
      if (refusal) refusals.push(refusal);
    }
  }
  refusals.push(...settingsRefusals(settings, setNodes));
  return refusals;
}
