import type pg from 'pg';

/**
 * Ends, as PostgreSQL's fast shutdown would, the backends of the current database that wait on a lock the caller
 * holds (only those whose query starts with `queryPrefix`, when given): how a test cuts a query short at a moment
 * of its choosing. Waits up to `timeoutMs` for one to be waiting, and returns the pids it ended (none if none came).
 */
export async function endLockWaiters(admin: pg.ClientBase, opts: { queryPrefix?: string; timeoutMs?: number } = {}): Promise<number[]> {
  const deadline = Date.now() + (opts.timeoutMs ?? 30_000);
  for (;;) {
    const { rows } = await admin.query<{ pid: number }>(
      "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND left(query, length($1)) = $1",
      [opts.queryPrefix ?? ''],
    );
    if (rows.length > 0 || Date.now() > deadline) {
      for (const { pid } of rows) await admin.query('SELECT pg_terminate_backend($1)', [pid]);
      return rows.map((r) => r.pid);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
