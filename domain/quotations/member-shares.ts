import { InputError } from '../../platform/errors.ts';
import { splitCents } from './costing.ts';

/**
 * Price privacy in a group quotation: each member pays, and sees, only their own share. A share follows what
 * the member costs us (a traveller alone in a room carries the whole room), marked up like the quotation as a
 * whole, and the shares add up to the quotation's price to the cent.
 */
export function priceShares(travellerCosts: readonly number[], priceTotal: number): number[] {
  if (travellerCosts.length === 0) throw new InputError('a group needs at least one member to share a price', 'members');
  if (!(priceTotal >= 0)) throw new InputError(`price must be zero or more, got ${priceTotal}`, 'price');
  const weights = travellerCosts.some((c) => c > 0) ? travellerCosts : travellerCosts.map(() => 1);
  return splitCents(priceTotal, weights);
}
