import type pg from 'pg';
import { erasedRefHash, existingPseudonymKey } from '../personal-data/pseudonym.ts';

/**
 * Finds customers by the outside system's reference (`customers.external_ref`), one query per batch of rows,
 * and creates the ones not seen before when the mapping allows it. A new customer needs a source market
 * (`customers.country` is required): it takes the country of its first row in the batch that has one. The reference
 * of an erased customer finds that customer (erased_customer_refs), so an import never brings them back.
 */
export interface CustomerWanted {
  ref: string;
  name: string | null;
  country: string | null;
}

export type CustomerMatch = { id: number } | { id?: undefined; code: 'unknown_customer' | 'customer_needs_country'; problem: string };

/** References remembered across batches; past this many the memory is dropped and refilled from the database. */
const CACHE_LIMIT = 200_000;

export class CustomerMatcher {
  private readonly ids = new Map<string, number>();
  created = 0;

  constructor(private readonly create: boolean) {}

  async resolve(client: pg.ClientBase, wanted: CustomerWanted[]): Promise<Map<string, CustomerMatch>> {
    const out = new Map<string, CustomerMatch>();
    const firstOf = new Map<string, CustomerWanted>();
    for (const w of wanted) {
      const known = this.ids.get(w.ref);
      if (known !== undefined) {
        out.set(w.ref, { id: known });
        continue;
      }
      const first = firstOf.get(w.ref);
      if (!first) firstOf.set(w.ref, { ...w });
      else {
        first.country ??= w.country;
        first.name ??= w.name;
      }
    }
    if (firstOf.size === 0) return out;
    if (this.ids.size + firstOf.size > CACHE_LIMIT) this.ids.clear();
    const refs = [...firstOf.keys()];
    const found = await client.query<{ id: string; external_ref: string }>('SELECT id, external_ref FROM customers WHERE external_ref = ANY($1::text[])', [refs]);
    for (const row of found.rows) this.remember(out, row.external_ref, Number(row.id));
    let missing = refs.filter((ref) => !out.has(ref));
    if (missing.length === 0) return out;
    // A reference of an erased customer: their bookings attach to them, and no name of the row is stored again.
    const key = await existingPseudonymKey(client);
    if (key) {
      const hashes = missing.map((ref) => erasedRefHash(key, ref));
      const refOf = new Map(hashes.map((hash, i) => [hash.toString('hex'), missing[i]]));
      const erased = await client.query<{ ref_hash: Buffer; customer_id: string }>('SELECT ref_hash, customer_id FROM erased_customer_refs WHERE ref_hash = ANY($1::bytea[])', [hashes]);
      for (const row of erased.rows) this.remember(out, refOf.get(row.ref_hash.toString('hex'))!, Number(row.customer_id));
      missing = missing.filter((ref) => !out.has(ref));
      if (missing.length === 0) return out;
    }
    if (!this.create) {
      for (const ref of missing) out.set(ref, { code: 'unknown_customer', problem: `customer "${ref}" is not in customers (external_ref) and the mapping does not create customers` });
      return out;
    }
    const creatable = missing.filter((ref) => firstOf.get(ref)!.country !== null);
    for (const ref of missing) {
      if (firstOf.get(ref)!.country === null) {
        out.set(ref, { code: 'customer_needs_country', problem: `customer "${ref}" is new and none of its rows gives a country to create it with` });
      }
    }
    if (creatable.length === 0) return out;
    const inserted = await client.query<{ id: string; external_ref: string }>(
      `INSERT INTO customers (external_ref, name, country)
         SELECT * FROM unnest($1::text[], $2::text[], $3::text[])
       ON CONFLICT (external_ref) DO NOTHING RETURNING id, external_ref`,
      [creatable, creatable.map((ref) => firstOf.get(ref)!.name ?? ref), creatable.map((ref) => firstOf.get(ref)!.country)],
    );
    this.created += inserted.rowCount ?? 0;
    for (const row of inserted.rows) this.remember(out, row.external_ref, Number(row.id));
    const raced = creatable.filter((ref) => !out.has(ref));
    if (raced.length > 0) {
      // Created meanwhile by another writer: theirs is the customer.
      const again = await client.query<{ id: string; external_ref: string }>('SELECT id, external_ref FROM customers WHERE external_ref = ANY($1::text[])', [raced]);
      for (const row of again.rows) this.remember(out, row.external_ref, Number(row.id));
    }
    return out;
  }

  private remember(out: Map<string, CustomerMatch>, ref: string, id: number): void {
    this.ids.set(ref, id);
    out.set(ref, { id });
  }
}
