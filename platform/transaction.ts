import type pg from 'pg';

/**
 * Runs `work` in one transaction on one connection: committed when it returns, rolled back when it throws,
 * so everything it writes (a quotation with its versions and events, a decision with its suggestion…) lands
 * together or not at all.
 */
export async function inTransaction<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}
