import type pg from 'pg';
import type { ClickHouseClient } from '@clickhouse/client';
import { clusterOf, quoteIdentifier } from '../../platform/clickhouse.ts';
import { onCluster } from '../../platform/clickhouse-cluster.ts';
import { SpiritError } from '../../platform/errors.ts';
import type { SavedWatermark } from './watermark.ts';
import { tablesFedBy } from './fed-tables.ts';

/**
 * Whether the PostgreSQL the ingest reads is the one the warehouse's copies came from. change_xid counts in one
 * cluster's sequence of transaction ids: a booking system restored onto another cluster (pg_dump and restore, a new
 * server) keeps its rows' old ids while the new cluster numbers its transactions from where it stands, often far
 * below them. Continuing from the saved watermarks would skip every change made there below them, and the copies'
 * old versions would outrank the new ones in FINAL: changes lost for good while the run reports success. A run
 * therefore refuses such a source (SourceChanged) until the copies are rebuilt from it (`ingest --full`).
 */

/** The cluster's identity: fixed at initdb, the same for every database of the cluster and for its physical replicas. */
export async function clusterIdentity(pool: pg.Pool): Promise<string> {
  const { rows } = await pool.query<{ id: string }>('SELECT system_identifier::text AS id FROM pg_control_system()');
  return rows[0].id;
}

export interface SourceMismatch {
  table: string;
  why: string;
}

/**
 * The tables whose copies another source filled. A watermark records its cluster; one saved before the cluster was
 * recorded (warehouse migration 008) is trusted only when neither it nor the copy's newest version is at or past
 * the horizon: a cluster whose transaction ids went back is then seen, whatever its name. The copy itself is read
 * only where the watermark cannot vouch for it (none, reset by `--full` or a migration, or not yet recorded).
 */
export async function sourceMismatches(
  clickhouse: ClickHouseClient,
  tables: readonly string[],
  watermarks: Map<string, SavedWatermark>,
  identity: string,
  horizon: string,
): Promise<SourceMismatch[]> {
  const found: SourceMismatch[] = [];
  for (const table of tables) {
    const mark = watermarks.get(table);
    if (mark && mark.sourceCluster !== '' && mark.sourceCluster !== identity) {
      found.push({ table, why: `copied from PostgreSQL cluster ${mark.sourceCluster}, not from this one (${identity})` });
    } else if (mark && BigInt(mark.changeXid) >= BigInt(horizon)) {
      found.push({ table, why: `copied up to transaction ${mark.changeXid}, but this PostgreSQL has not reached it (horizon ${horizon}): its transaction ids went back` });
    } else if (!mark || mark.key.length === 0 || mark.sourceCluster === '') {
      const newest = await newestVersion(clickhouse, table);
      if (newest >= BigInt(horizon)) {
        found.push({ table, why: `holds versions up to transaction ${newest}, but this PostgreSQL has not reached it (horizon ${horizon}): its transaction ids went back` });
      }
    }
  }
  return found;
}

async function newestVersion(clickhouse: ClickHouseClient, table: string): Promise<bigint> {
  const result = await clickhouse.query({ query: `SELECT toString(max(change_xid)) AS newest FROM ${quoteIdentifier(table)}`, format: 'JSONEachRow' });
  return BigInt((await result.json<{ newest: string }>())[0].newest);
}

/**
 * The copies of another source, emptied before `--full` loads them again: their versions count in another
 * sequence, so rows copied again from this cluster would lose to them in FINAL rather than replace them. What a
 * copy's inserts feed through materialized views goes with it (fed-tables.ts): the reload feeds it again, from the
 * rows this cluster holds, where it would otherwise keep rows the copy lost (decisions a restored backup never had).
 */
export async function emptyCopies(clickhouse: ClickHouseClient, tables: readonly string[]): Promise<void> {
  for (const table of tables) {
    for (const emptied of [quoteIdentifier(table), ...(await tablesFedBy(clickhouse, table))]) {
      await clickhouse.command({ query: onCluster(`TRUNCATE TABLE ${emptied}`, clusterOf(clickhouse)) });
    }
  }
}

/** The ingest will not continue copies that another PostgreSQL filled: see sourceMismatches. */
export class SourceChanged extends SpiritError {
  constructor(readonly mismatches: SourceMismatch[]) {
    super(
      'ingest_source_changed',
      `the booking system's PostgreSQL is not the one the warehouse's copies came from (a restore onto another cluster, a backup of an earlier point, or a pg_upgrade): ` +
        `${mismatches.map((m) => `${m.table}: ${m.why}`).join('; ')}. Continuing from the saved watermarks would skip changes made here for good, so nothing was copied. ` +
        `Rebuild the copies from this PostgreSQL: \`spirit-ml ingest --full\` empties ${mismatches.length === 1 ? 'that copy' : 'those copies'} and loads ${mismatches.length === 1 ? 'it' : 'them'} again.`,
    );
  }
}
