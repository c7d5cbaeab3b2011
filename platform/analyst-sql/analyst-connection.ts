import { createClient, type ClickHouseClient } from '@clickhouse/client';
import type { Config } from '../config.ts';
import { embeddedDataPath, SILENT_CLIENT } from '../clickhouse.ts';
import { parseAstDump, unescapeTsv, type AstNode } from './ast-dump.ts';
import { AnalystSqlError } from './analyst-errors.ts';
import type { ParamValue } from './query-params.ts';

/**
 * How one analyst query reaches ClickHouse, with ClickHouse's own means of keeping it read-only:
 * - embedded (chDB has no users): a chDB session of its own on the warehouse's data directory, opened for this
 *   query and closed after it, set to the query's allowed settings and limits and then to readonly=1 — so the
 *   session that runs the query can neither write, nor change a setting, nor call most table functions, and the
 *   process's other sessions (the API's, the pipeline's) keep their own settings;
 * - a server with an analyst user (CLICKHOUSE_ANALYST_USER): that user, readonly=1 by its profile, SELECT on the
 *   warehouse database only, limits bounded by the profile's constraints (deploy/clickhouse/analyst-user.sh);
 * - a server without one: the platform's user, with readonly=1 and the limits sent with every request.
 * The guard (run-analyst-query.ts) runs before all three.
 */
export interface AnalystConnection {
  readonly kind: 'embedded' | 'server-analyst-user' | 'server-platform-user';
  readonly database: string;
  /** ClickHouse's canonical text of the query (formatQuery): one statement, comments gone, or an exception. */
  canonical(sql: string): Promise<string>;
  /** The warehouse's tables and their engines. */
  engines(): Promise<Map<string, string>>;
  /** ClickHouse's parse of the canonical text with the parameters substituted (EXPLAIN AST). */
  explain(canonical: string, params: Record<string, ParamValue>): Promise<AstNode>;
  /** Runs the canonical text read-only under `settings` (limits and allowed settings), in a ClickHouse format. */
  run(canonical: string, params: Record<string, ParamValue>, format: string, settings: Record<string, string | number>, signal?: AbortSignal): Promise<Buffer>;
  close(): Promise<void>;
}

async function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks);
}

/** The query's tree; a dump that does not read as one is the query's doing (a name the guard cannot read), not the warehouse's. */
function astOf(tsv: string): AstNode {
  try {
    return parseAstDump(tsv.split('\n').map(unescapeTsv));
  } catch (err) {
    throw new AnalystSqlError('sql_refused', `the guard could not read ClickHouse's parse of the query (${(err as Error).message}): write names and aliases without line breaks`);
  }
}

/** A setting's value as a SET statement writes it; values come from the limits and the allowlist only. */
function literal(value: string | number): string {
  return typeof value === 'number' ? String(value) : `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

const ENGINES_QUERY = 'SELECT name, engine FROM system.tables WHERE database = {database:String}';

async function enginesOf(client: ClickHouseClient, database: string, settings?: Record<string, string>): Promise<Map<string, string>> {
  const result = await client.query({ query: ENGINES_QUERY, format: 'JSONEachRow', query_params: { database }, clickhouse_settings: settings });
  return new Map((await result.json<{ name: string; engine: string }>()).map((r) => [r.name, r.engine]));
}

async function canonicalOf(client: ClickHouseClient, sql: string, settings?: Record<string, string>): Promise<string> {
  const result = await client.query({ query: 'SELECT formatQuery({sql:String}) AS canonical', format: 'JSONEachRow', query_params: { sql }, clickhouse_settings: settings });
  return (await result.json<{ canonical: string }>())[0].canonical;
}

/** chDB: a session of this query's own on the data directory the platform's client uses. */
class EmbeddedConnection implements AnalystConnection {
  readonly kind = 'embedded';
  private constructor(
    private readonly client: ClickHouseClient,
    readonly database: string,
  ) {}

  static async open(path: string, database: string): Promise<EmbeddedConnection> {
    const { createChdbConnection } = await import('chdb/connection');
    const client = createClient({ connection: createChdbConnection({ path }) } as Parameters<typeof createClient>[0]);
    try {
      await client.command({ query: `USE ${database}` });
    } catch (err) {
      await client.close();
      throw err;
    }
    return new EmbeddedConnection(client, database);
  }

  canonical(sql: string): Promise<string> {
    return canonicalOf(this.client, sql);
  }

  engines(): Promise<Map<string, string>> {
    return enginesOf(this.client, this.database);
  }

  async explain(canonical: string, params: Record<string, ParamValue>): Promise<AstNode> {
    // Parsing only: EXPLAIN AST runs nothing, and the canonical text is one statement.
    const result = await this.client.exec({ query: `EXPLAIN AST ${canonical}`, query_params: params, clickhouse_settings: { default_format: 'TabSeparated' } });
    return astOf((await readAll(result.stream)).toString('utf8'));
  }

  async run(canonical: string, params: Record<string, ParamValue>, format: string, settings: Record<string, string | number>, signal?: AbortSignal): Promise<Buffer> {
    for (const [name, value] of Object.entries(settings)) await this.client.command({ query: `SET ${name} = ${literal(value)}` });
    await this.client.command({ query: 'SET readonly = 1' });
    const result = await this.client.exec({ query: `${canonical}\nFORMAT ${format}`, query_params: params, abort_signal: signal });
    return readAll(result.stream);
  }

  close(): Promise<void> {
    return this.client.close();
  }
}

/** A ClickHouse server: the analyst user's client, or the platform's with readonly=1 on every request. */
class ServerConnection implements AnalystConnection {
  private readonly readonly = { readonly: '1' } as const;
  constructor(
    private readonly client: ClickHouseClient,
    readonly database: string,
    readonly kind: 'server-analyst-user' | 'server-platform-user',
  ) {}

  canonical(sql: string): Promise<string> {
    return canonicalOf(this.client, sql, this.readonly);
  }

  engines(): Promise<Map<string, string>> {
    return enginesOf(this.client, this.database, this.readonly);
  }

  async explain(canonical: string, params: Record<string, ParamValue>): Promise<AstNode> {
    const result = await this.client.exec({ query: `EXPLAIN AST ${canonical}`, query_params: params, clickhouse_settings: this.readonly });
    return astOf((await readAll(result.stream)).toString('utf8'));
  }

  async run(canonical: string, params: Record<string, ParamValue>, format: string, settings: Record<string, string | number>, signal?: AbortSignal): Promise<Buffer> {
    // readonly last: the settings before it are changes the server checks against the analyst profile's constraints.
    const result = await this.client.exec({ query: `${canonical}\nFORMAT ${format}`, query_params: params, clickhouse_settings: { ...settings, ...this.readonly } as Record<string, string | number>, abort_signal: signal });
    return readAll(result.stream);
  }

  async close(): Promise<void> {
    // The client outlives the query: AnalystWarehouse (or the platform) owns it.
  }
}

/**
 * Where analyst queries go: one connection per query, beside the platform's ClickHouse client. With a server and
 * an analyst user configured, the platform's client is not needed (the CLI then never connects as the platform).
 */
export class AnalystWarehouse {
  private analystClient: ClickHouseClient | undefined;

  constructor(
    private readonly config: Config,
    private readonly platformClient?: ClickHouseClient,
  ) {
    if (!platformClient && !(config.clickhouseUrl && config.clickhouseAnalystUser)) {
      throw new Error('AnalystWarehouse needs the platform ClickHouse client unless a server and its analyst user are configured');
    }
  }

  /** What analysts connect as, for messages: the embedded session, the analyst user, or the platform's user. */
  get kind(): AnalystConnection['kind'] {
    if (this.platformClient && embeddedDataPath(this.platformClient) !== undefined) return 'embedded';
    return this.config.clickhouseAnalystUser ? 'server-analyst-user' : 'server-platform-user';
  }

  async open(): Promise<AnalystConnection> {
    const path = this.platformClient && embeddedDataPath(this.platformClient);
    if (this.platformClient && path !== undefined) {
      // The platform's session may have been switched to another database (tests do); analysts follow it.
      const current = await this.platformClient.query({ query: 'SELECT currentDatabase() AS db', format: 'JSONEachRow' });
      const database = (await current.json<{ db: string }>())[0].db;
      return EmbeddedConnection.open(path, database);
    }
    const database = this.config.clickhouseDatabase;
    if (this.config.clickhouseAnalystUser) {
      this.analystClient ??= analystServerClient(this.config);
      return new ServerConnection(this.analystClient, database, 'server-analyst-user');
    }
    return new ServerConnection(this.platformClient!, database, 'server-platform-user');
  }

  async close(): Promise<void> {
    await this.analystClient?.close();
    this.analystClient = undefined;
  }
}

/**
 * The analyst user's client. No settings of its own and no compression: a readonly=1 user may not change a setting
 * its profile does not allow, and compressed answers need one (enable_http_compression).
 */
export function analystServerClient(config: Config): ClickHouseClient {
  if (!config.clickhouseUrl || !config.clickhouseAnalystUser) throw new Error('analystServerClient needs CLICKHOUSE_URL and CLICKHOUSE_ANALYST_USER');
  return createClient({
    url: config.clickhouseUrl,
    username: config.clickhouseAnalystUser,
    password: config.clickhouseAnalystPassword ?? '',
    database: config.clickhouseDatabase,
    compression: { request: false, response: false },
    request_timeout: 600_000,
    log: SILENT_CLIENT,
  });
}
