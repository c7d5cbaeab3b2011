import type pg from 'pg';
import type { ClickHouseClient } from '@clickhouse/client';
import type { ModelRegistry } from '../../models/registry/model-registry.ts';
import type { Step } from '../step.ts';
import { writersOf } from './graph-check.ts';
import type { RunState } from './run-state.ts';

const IDENTIFIER = /^[a-z_][a-z0-9_]*$/;
const FAMILY = /^[a-z][a-z0-9-]*$/;

export interface AssetVersionSources {
  pg: pg.Pool;
  /** Opened only when a `ch:` asset is asked about. */
  clickhouse: () => Promise<ClickHouseClient>;
  registry: ModelRegistry;
  state: RunState;
}

/**
 * The current version of each asset a step reads, as a short string that changes when the data does:
 * - `pg:<table>`: the newest updated_at (every table's trigger bumps it; deletions are not seen);
 * - `ch:<table>`: the table's uuid, its highest insert block and its highest mutation version — an insert, a
 *   mutation or a swap to a rebuilt table changes it, a background merge does not;
 * - `model:<family>`: the newest registered version (not the champion: promotion is the evaluate step's output,
 *   and counting it would make the trainings before it stale the moment it ran);
 * - anything else: the runs that last wrote it successfully (one per writing step).
 * A step is stale when any of these differs from what its last successful run recorded.
 */
export class AssetVersions {
  private readonly writers: Map<string, string[]>;

  constructor(graph: readonly Step[], private readonly sources: AssetVersionSources) {
    this.writers = writersOf(graph);
  }

  async of(assets: readonly string[]): Promise<Record<string, string>> {
    const versions: Record<string, string> = {};
    let lastSuccesses: Awaited<ReturnType<RunState['lastSuccesses']>> | undefined;
    for (const asset of assets) {
      const colon = asset.indexOf(':');
      const kind = asset.slice(0, colon);
      const name = asset.slice(colon + 1);
      if (kind === 'pg') versions[asset] = await this.postgresVersion(name);
      else if (kind === 'ch') versions[asset] = await this.clickhouseVersion(name);
      else if (kind === 'model') versions[asset] = await this.modelVersion(name);
      else {
        lastSuccesses ??= await this.sources.state.lastSuccesses();
        const runs = (this.writers.get(asset) ?? []).map((w) => lastSuccesses!.get(w)).filter((r) => r !== undefined);
        versions[asset] = runs.length > 0 ? runs.map((r) => `${r.step}@${r.runId}`).sort().join(',') : 'unversioned';
      }
    }
    return versions;
  }

  private async postgresVersion(table: string): Promise<string> {
    if (!IDENTIFIER.test(table)) return 'invalid-name';
    const { rows } = await this.sources.pg.query<{ present: boolean; has_updated_at: boolean }>(
      `SELECT to_regclass($1) IS NOT NULL AS present,
              EXISTS (SELECT 1 FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1 AND column_name = 'updated_at') AS has_updated_at`,
      [table],
    );
    if (!rows[0].present) return 'missing';
    if (!rows[0].has_updated_at) return 'unversioned';
    // The name passed the identifier check and exists: safe to interpolate.
    const latest = await this.sources.pg.query<{ v: string | null }>(`SELECT max(updated_at)::text AS v FROM "${table}"`);
    return latest.rows[0].v ?? 'empty';
  }

  private async clickhouseVersion(table: string): Promise<string> {
    if (!IDENTIFIER.test(table)) return 'invalid-name';
    const client = await this.sources.clickhouse();
    const result = await client.query({
      query: `SELECT toString(t.uuid) AS uuid, t.engine AS engine,
                     (SELECT toString(max(max_block_number)) FROM system.parts WHERE database = currentDatabase() AND table = {table:String} AND active) AS blocks,
                     (SELECT toString(max(data_version)) FROM system.parts WHERE database = currentDatabase() AND table = {table:String} AND active) AS data_version
                FROM system.tables t WHERE t.database = currentDatabase() AND t.name = {table:String}`,
      query_params: { table },
      format: 'JSONEachRow',
    });
    const rows = await result.json<{ uuid: string; engine: string; blocks: string | null; data_version: string | null }>();
    if (rows.length === 0) return 'missing';
    const r = rows[0];
    if (/View$/.test(r.engine)) return 'view';
    return `${r.uuid}/${r.blocks ?? 0}/${r.data_version ?? 0}`;
  }

  private async modelVersion(family: string): Promise<string> {
    if (!FAMILY.test(family)) return 'invalid-name';
    const versions = await this.sources.registry.list(family).catch(() => []);
    if (versions.length === 0) return 'none';
    return versions.map((v) => v.version).sort().at(-1)!;
  }
}
