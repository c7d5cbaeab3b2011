import type { ClickHouseClient } from '@clickhouse/client';
import type pg from 'pg';
import { appendAudit, type Actor } from '../../platform/audit-log.ts';
import { InputError, NotFoundError } from '../../platform/errors.ts';
import { log as processLog, type Logger } from '../../platform/log.ts';
import { waitForCopiesUnderWay } from '../../platform/copies-under-way.ts';
import {
  BOOKING_SYSTEM_ERASURE, ERASED_NAME, IMPORT_REJECTS_ERASURE, importRejectPatterns, WAREHOUSE_DELETES, WAREHOUSE_PSEUDONYMS, WAREHOUSE_REWRITES,
} from './personal-data-map.ts';
import { erasedRefHash, pseudonymKey, pseudonymOf } from './pseudonym.ts';

/**
 * Erasure of one customer's personal data across the booking system and the warehouse (GDPR art. 17):
 * personal fields anonymised in PostgreSQL in one transaction (with its audit row), then every ClickHouse part
 * rewritten — not only the newest version of a row — derived personalisation dropped, and logs pseudonymised.
 * A `started` record comes first and a `completed` one last, both append-only and free of personal values: a run
 * that died in between is resumed by the next. Asked again after it completed, the erasure checks the warehouse
 * once more and rewrites what it finds there (an ingest, a rebuild or a restored backup may have brought a personal
 * value back); the booking system is not touched twice.
 */
export interface ErasureRequest {
  customerId: number;
  reason: string;
  actor: Actor;
}

export interface ErasureResult {
  customerId: number;
  status: 'erased' | 'already_erased';
  /** Rows changed per store and table, e.g. `postgres.customers: 1`, `clickhouse.scored_requests: 12`. */
  touched: Record<string, number>;
  /** already_erased only: warehouse rows found personal again and rewritten by this request, when there were any. */
  reapplied?: Record<string, number>;
  erasedAt: string;
}

export interface ErasureOptions {
  /**
   * How long the warehouse rewrite waits for an ingest under way (platform/copies-under-way.ts) before it gives up, asking
   * to erase again later (default ten minutes; the API waits less than its requests' bound).
   */
  waitForIngestMs?: number;
  /** Where a wait is reported (default: the process log on stderr). */
  log?: Logger;
}

const WAIT_FOR_INGEST_MS = 10 * 60_000;

export interface Stores {
  pg: pg.Pool;
  clickhouse: ClickHouseClient;
}

/**
 * An insert that outlived a killed ingest (a ClickHouse server finishes an insert it has received) may still land
 * after the wait for copies under way: the rewrite is checked and repeated.
 */
const REWRITE_ATTEMPTS = 3;

export async function eraseCustomer(stores: Stores, request: ErasureRequest, options: ErasureOptions = {}): Promise<ErasureResult> {
  const { customerId, actor } = request;
  if (!Number.isSafeInteger(customerId) || customerId < 1) throw new InputError('customerId must be a positive integer', 'customerId');
  const reason = request.reason?.trim() ?? '';
  if (reason.length === 0 || reason.length > 500) throw new InputError('reason must say why, in 1–500 characters', 'reason');

  const state = await erasureState(stores.pg, customerId);
  if (state.last?.phase === 'completed') {
    await afterCopiesUnderWay(stores, customerId, options);
    const reapplied = Object.fromEntries(Object.entries(await eraseInWarehouse(stores, customerId)).filter(([, n]) => n > 0));
    return { customerId, status: 'already_erased', touched: state.last.touched, ...(Object.keys(reapplied).length > 0 ? { reapplied } : {}), erasedAt: state.last.at };
  }
  if (state.last?.phase !== 'started') {
    await stores.pg.query(`INSERT INTO customer_erasures (customer_id, phase, reason, actor, role) VALUES ($1, 'started', $2, $3, $4)`, [customerId, reason, actor.name, actor.role]);
  }

  const touched: Record<string, number> = {};
  Object.assign(touched, await eraseInBookingSystem(stores.pg, customerId, reason, actor));
  await afterCopiesUnderWay(stores, customerId, options);
  Object.assign(touched, await eraseInWarehouse(stores, customerId));

  const { rows } = await stores.pg.query<{ created_at: Date }>(
    `INSERT INTO customer_erasures (customer_id, phase, reason, actor, role, touched) VALUES ($1, 'completed', $2, $3, $4, $5) RETURNING created_at`,
    [customerId, reason, actor.name, actor.role, JSON.stringify(touched)],
  );
  return { customerId, status: 'erased', touched, erasedAt: rows[0].created_at.toISOString() };
}

/** Waits for every ingest that may have read the customer before the booking system was erased (platform/copies-under-way.ts). */
async function afterCopiesUnderWay(stores: Stores, customerId: number, options: ErasureOptions): Promise<void> {
  const log = options.log ?? processLog;
  await waitForCopiesUnderWay(stores.pg, {
    customerId,
    timeoutMs: options.waitForIngestMs ?? WAIT_FOR_INGEST_MS,
    onWait: (running) => log.warn('erasure waits for the ingest under way before it rewrites the warehouse', { customerId, ingests: running }),
  });
}

async function erasureState(pool: pg.Pool, customerId: number) {
  const customer = await pool.query('SELECT 1 FROM customers WHERE id = $1', [customerId]);
  if (customer.rowCount === 0) throw new NotFoundError(`customer ${customerId} is not in the booking system`, 'customerId');
  const { rows } = await pool.query<{ phase: 'started' | 'completed'; touched: Record<string, number>; created_at: Date }>(
    'SELECT phase, touched, created_at FROM customer_erasures WHERE customer_id = $1 ORDER BY id DESC LIMIT 1',
    [customerId],
  );
  return { last: rows[0] && { phase: rows[0].phase, touched: rows[0].touched, at: rows[0].created_at.toISOString() } };
}

async function eraseInBookingSystem(pool: pg.Pool, customerId: number, reason: string, actor: Actor): Promise<Record<string, number>> {
  const client = await pool.connect();
  const touched: Record<string, number> = {};
  try {
    await client.query('BEGIN');
    // The values as they were, to find them in free text (import rejects) before they are gone.
    const { rows } = await client.query<{ name: string; email: string | null; external_ref: string | null; erased_at: Date | null }>(
      'SELECT name, email, external_ref, erased_at FROM customers WHERE id = $1 FOR UPDATE',
      [customerId],
    );
    const before = rows[0];
    // The outside reference goes, but a later import naming it must find the erased customer, not make a new one.
    if (before.external_ref !== null) {
      const remembered = await client.query(`INSERT INTO erased_customer_refs (ref_hash, customer_id) VALUES ($1, $2) ON CONFLICT (ref_hash) DO NOTHING`, [
        erasedRefHash(await pseudonymKey(client), before.external_ref),
        customerId,
      ]);
      touched['postgres.erased_customer_refs'] = remembered.rowCount ?? 0;
    }
    if (before.erased_at === null || before.name !== ERASED_NAME) {
      const rejects = await client.query(IMPORT_REJECTS_ERASURE, importRejectPatterns({ email: before.email, externalRef: before.external_ref, name: before.name }, 'erase'));
      touched['postgres.import_rejects'] = rejects.rowCount ?? 0;
    }
    for (const { table, sql } of BOOKING_SYSTEM_ERASURE) touched[`postgres.${table}`] = (await client.query(sql, [customerId])).rowCount ?? 0;
    await appendAudit(client, actor, { action: 'customer.erase', target: `customer:${customerId}`, after: { reason, touched } });
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
  return touched;
}

async function count(client: ClickHouseClient, table: string, where: string, params: Record<string, unknown>): Promise<number> {
  const result = await client.query({ query: `SELECT count() AS n FROM ${table} WHERE ${where}`, query_params: params, format: 'JSONEachRow' });
  const [row] = await result.json<{ n: string }>();
  return Number(row.n);
}

/** Mutations rewrite every part that holds a matching row; mutations_sync waits until they have. */
async function mutate(client: ClickHouseClient, statement: string, params: Record<string, unknown>): Promise<void> {
  await client.command({ query: statement, query_params: params, clickhouse_settings: { mutations_sync: '2' } });
}

async function eraseInWarehouse(stores: Stores, customerId: number): Promise<Record<string, number>> {
  const { clickhouse } = stores;
  const touched: Record<string, number> = {};
  // Rejected import lines blanked in the booking system (by this erasure or an earlier one): idempotent on resume.
  const blanked = await stores.pg.query<{ id: string }>(`SELECT id FROM import_rejects WHERE raw_line = '[erased]'`);
  const params = { id: customerId, erased: ERASED_NAME, rejects: blanked.rows.map((r) => Number(r.id)) };

  for (let attempt = 0; attempt < REWRITE_ATTEMPTS; attempt++) {
    let remaining = 0;
    for (const { table, set, where, erasedWhen } of WAREHOUSE_REWRITES) {
      const personal = `${where} AND NOT (${erasedWhen})`;
      const n = await count(clickhouse, table, personal, params);
      if (n === 0) continue;
      remaining += n;
      touched[`clickhouse.${table}`] = (touched[`clickhouse.${table}`] ?? 0) + n;
      await mutate(clickhouse, `ALTER TABLE ${table} UPDATE ${set} WHERE ${where}`, params);
    }
    if (remaining === 0) break;
  }

  for (const { table, where } of WAREHOUSE_DELETES) {
    const n = await count(clickhouse, table, where, params);
    touched[`clickhouse.${table}`] = n;
    if (n > 0) await mutate(clickhouse, `ALTER TABLE ${table} DELETE WHERE ${where}`, params);
  }

  const pseudonym = pseudonymOf(await pseudonymKey(stores.pg), customerId).toString();
  for (const { table, column, jsonColumns } of WAREHOUSE_PSEUDONYMS) {
    const where = `${column} = {id:UInt64}`;
    const n = await count(clickhouse, table, where, params);
    touched[`clickhouse.${table}`] = n;
    if (n === 0) continue;
    // The id also appears inside the JSON the log kept ("customerId":81) and in its subject (customer:81).
    const rewrites = [
      `${column} = {pseudonym:UInt64}`,
      ...jsonColumns.map(
        (c) => `${c} = replaceRegexpAll(replaceRegexpAll(${c}, concat('("customerId":\\\\s*)', toString({id:UInt64}), '([^0-9]|$)'), concat('\\\\1', {pseudonym:String}, '\\\\2')), concat('(customer:)', toString({id:UInt64}), '([^0-9]|$)'), concat('\\\\1p', {pseudonym:String}, '\\\\2'))`,
      ),
    ];
    await mutate(clickhouse, `ALTER TABLE ${table} UPDATE ${rewrites.join(', ')} WHERE ${where}`, { ...params, pseudonym });
  }
  return touched;
}
