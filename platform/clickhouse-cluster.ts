import { SpiritError } from './errors.ts';

/**
 * Our DDL, as it runs on a ClickHouse cluster (CLICKHOUSE_CLUSTER, a cluster of the server's remote_servers):
 * every CREATE, ALTER and DROP runs ON CLUSTER, and MergeTree-family tables become their Replicated form, so each
 * server holds the whole warehouse and any one of them can serve it. One shard is assumed: ReplacingMergeTree only
 * collapses versions of a row that sit on the same server.
 *
 * The replica path is `/clickhouse/tables/{uuid}/{shard}` rather than one built from the table's name: a table made
 * by CREATE OR REPLACE (migration 003) or swapped in by EXCHANGE TABLES exists next to the one it replaces, and a
 * path named after the table would be taken by the old one. `{uuid}` needs an Atomic database (the default) and ON
 * CLUSTER, which every statement here gets. `{shard}` and `{replica}` come from each server's macros.
 */
export const REPLICA_PATH = '/clickhouse/tables/{uuid}/{shard}';
export const REPLICA_NAME = '{replica}';

const CLUSTER_NAME = /^[A-Za-z_][A-Za-z0-9_.-]*$/;
const NAME = '(?:`(?:[^`\\\\]|\\\\.)+`|[A-Za-z_][A-Za-z0-9_]*)';
const QUALIFIED = `${NAME}(?:\\.${NAME})?`;
/** Where ON CLUSTER goes: right after the name of what is created, altered or dropped. */
const HEAD = new RegExp(
  '^(' +
    '(?:CREATE(?:\\s+OR\\s+REPLACE)?|ATTACH)\\s+(?:TABLE|(?:MATERIALIZED\\s+)?VIEW|DATABASE)(?:\\s+IF\\s+NOT\\s+EXISTS)?' +
    '|ALTER\\s+TABLE' +
    '|(?:DROP|DETACH)\\s+(?:TABLE|VIEW|DATABASE)(?:\\s+IF\\s+EXISTS)?' +
    '|TRUNCATE(?:\\s+TABLE)?(?:\\s+IF\\s+EXISTS)?' +
    `)\\s+(${QUALIFIED})(?=\\s|\\(|$)`,
  'i',
);
/** Statements that name their cluster last. */
const TAIL = /^(?:EXCHANGE\s+TABLES|RENAME\s+TABLE)\s/i;
const ENGINE = /\bENGINE\s*=\s*(Replacing|Summing|Aggregating|Collapsing|VersionedCollapsing|Graphite|Coalescing)?MergeTree\b/gi;

export function checkClusterName(cluster: string): void {
  if (!CLUSTER_NAME.test(cluster)) {
    throw new SpiritError('clickhouse_cluster', `CLICKHOUSE_CLUSTER must name a cluster of the server's remote_servers (letters, digits, _ . -), got "${cluster}"`, 'CLICKHOUSE_CLUSTER');
  }
}

/** The end of the parenthesised arguments opening at `open`, or -1. */
function closingParen(text: string, open: number): number {
  let depth = 0;
  let quote: string | undefined;
  for (let i = open; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = undefined;
    } else if (c === "'" || c === '"' || c === '`') quote = c;
    else if (c === '(') depth++;
    else if (c === ')' && --depth === 0) return i;
  }
  return -1;
}

/** MergeTree-family engines of the statement in their Replicated form, each engine's own arguments kept after the path. */
function replicated(statement: string): string {
  let out = '';
  let from = 0;
  for (const m of statement.matchAll(ENGINE)) {
    let end = m.index + m[0].length;
    let args = '';
    const open = /^\s*\(/.exec(statement.slice(end));
    if (open) {
      const at = end + open[0].length - 1;
      const close = closingParen(statement, at);
      if (close === -1) throw new SpiritError('cluster_statement', `unbalanced engine arguments in "${statement.slice(m.index, m.index + 80)}"`);
      args = statement.slice(at + 1, close).trim();
      end = close + 1;
    }
    const family = m[1] ?? '';
    out += `${statement.slice(from, m.index)}ENGINE = Replicated${family}MergeTree('${REPLICA_PATH}', '${REPLICA_NAME}'${args ? `, ${args}` : ''})`;
    from = end;
  }
  return out + statement.slice(from);
}

/**
 * One statement as it runs on `cluster`; unchanged when `cluster` is undefined. INSERT and SELECT need nothing
 * (an insert into a replicated table reaches every replica). A refreshable materialized view keeps a local
 * engine: ClickHouse refreshes it on every server that has it, each from the replicated tables it reads, and
 * coordinated refreshes of one shared table need a Replicated database. Anything else is refused, so that a new
 * kind of migration statement is looked at rather than run on one server only.
 */
export function onCluster(statement: string, cluster: string | undefined): string {
  if (cluster === undefined) return statement;
  checkClusterName(cluster);
  const text = statement.trim();
  if (/^(?:INSERT|SELECT|WITH)\b/i.test(text)) return statement;
  if (TAIL.test(text)) return /\bON\s+CLUSTER\b/i.test(text) ? statement : `${text} ON CLUSTER '${cluster}'`;
  const head = HEAD.exec(text);
  if (!head) throw new SpiritError('cluster_statement', `no rule to run "${text.slice(0, 80)}" on a cluster (platform/clickhouse-cluster.ts)`);
  if (/\bON\s+CLUSTER\b/i.test(text.slice(head[0].length, head[0].length + 40))) return statement;
  const rest = text.slice(head[0].length);
  const withCluster = `${head[0]} ON CLUSTER '${cluster}'${rest}`;
  const refreshable = /^CREATE(?:\s+OR\s+REPLACE)?\s+MATERIALIZED\s+VIEW\b/i.test(text) && /^\s*(?:ON\s+CLUSTER\s+\S+\s+)?REFRESH\b/i.test(rest);
  return /^(?:CREATE|ATTACH)\b/i.test(text) && !refreshable ? replicated(withCluster) : withCluster;
}
