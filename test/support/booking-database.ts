import { migrate } from '../../domain/migrate.ts';
import { embeddedPostgresUrl, freshDatabase, quietLog, type TestDatabase } from './services.ts';

/** A new database on the embedded cluster with the booking system's schema, for suites that write the audit log or bookings. */
export async function bookingDatabase(label: string): Promise<TestDatabase> {
  const db = await freshDatabase(await embeddedPostgresUrl(), label);
  await migrate(db.pool, quietLog);
  return db;
}
