import { appendAudit, type Actor } from '../../platform/audit-log.ts';
import { NotFoundError } from '../../platform/errors.ts';
import { BOOKING_SYSTEM_EXPORT, IMPORT_REJECTS_EXPORT, importRejectPatterns, WAREHOUSE_EXPORT } from './personal-data-map.ts';
import type { Stores } from './erase-customer.ts';

/**
 * Everything stored about one customer, across the booking system and the warehouse, as one JSON document
 * (GDPR art. 15): what they are, what they asked and bought, what the models made of them, what the API answered.
 */
export interface PersonalDataExport {
  customerId: number;
  exportedAt: string;
  bookingSystem: Record<string, unknown[]>;
  warehouse: Record<string, unknown[]>;
}

/** Every export is in the audit log, whoever asks and however (the API or the CLI): recorded once it is made. */
export async function exportCustomer(stores: Stores, customerId: number, actor: Actor): Promise<PersonalDataExport> {
  const found = await stores.pg.query<{ name: string; email: string | null; external_ref: string | null }>('SELECT name, email, external_ref FROM customers WHERE id = $1', [customerId]);
  if (found.rowCount === 0) throw new NotFoundError(`customer ${customerId} is not in the booking system`, 'customerId');
  const bookingSystem: Record<string, unknown[]> = {};
  for (const { name, sql } of BOOKING_SYSTEM_EXPORT) bookingSystem[name] = (await stores.pg.query(sql, [customerId])).rows;
  // Rejected import lines hold no customer id: they are the ones an erasure would blank, found the same way.
  const [customer] = found.rows;
  bookingSystem.importRejects = (await stores.pg.query(IMPORT_REJECTS_EXPORT, importRejectPatterns({ email: customer.email, externalRef: customer.external_ref, name: customer.name }, 'export'))).rows;
  const warehouse: Record<string, unknown[]> = {};
  for (const { name, sql } of WAREHOUSE_EXPORT) {
    const result = await stores.clickhouse.query({ query: sql, query_params: { id: customerId }, format: 'JSONEachRow' });
    warehouse[name] = await result.json();
  }
  await appendAudit(stores.pg, actor, { action: 'customer.export', target: `customer:${customerId}` });
  return { customerId, exportedAt: new Date().toISOString(), bookingSystem, warehouse };
}
