import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { costQuotation, DEFAULT_COSTING_RULES, splitCents, type CostComponent, type CostingRules } from './costing.ts';
import { priceShares } from './member-shares.ts';
import { bandCosts, DEFAULT_BANDS } from './price-table.ts';
import { defaultRoomPlan } from './room-split.ts';
import { planVehicles, vehicleCost } from './vehicle-plan.ts';

const rules: CostingRules = {
  ...DEFAULT_COSTING_RULES,
  guideLanguageRates: new Map([['es', 1], ['en', 1], ['de', 1.25], ['ja', 1.6], ['other', 1.4]]),
};

const component = (c: Partial<CostComponent> & Pick<CostComponent, 'kind' | 'unit' | 'unitCost'>): CostComponent => ({
  componentId: null, name: c.kind, dayNumber: 1, nights: 0, unitCapacity: null, currency: 'USD', ...c,
});

const hotel = component({ kind: 'hotel', name: 'Hotel in Cusco', unit: 'per_room', unitCost: 100, unitCapacity: 2, nights: 3 });
const van = component({ kind: 'transport', name: 'Transfers', unit: 'per_vehicle', unitCost: 120, unitCapacity: 10 });
const guide = component({ kind: 'guide', name: 'Guide Sacred Valley', unit: 'per_group', unitCost: 80 });
const train = component({ kind: 'service', name: 'Train to Machu Picchu', unit: 'per_person', unitCost: 70 });

describe('room split', () => {
  it('puts travellers two by two and the odd one alone, who then pays a whole room', () => {
    assert.deepEqual(defaultRoomPlan(5, 2), [[0, 1], [2, 3], [4]]);
    const costing = costQuotation([hotel], { partySize: 5, language: 'en' }, { ...rules, operationalRate: 0, operationalPerPax: 0 });
    const line = costing.lines[0];
    assert.equal(line.quantity, 3);
    assert.equal(line.amount, 3 * 100 * 3);
    assert.match(line.detail, /2 double \+ 1 single × 3 nights/);
    // Those sharing pay half a room each night; the single traveller a whole one.
    assert.deepEqual(line.perTraveller, [150, 150, 150, 150, 300]);
  });

  it('follows the room plan the group chose and refuses a room too small for it', () => {
    const chosen = costQuotation([hotel], { partySize: 4, language: 'en', rooms: [[0], [1], [2, 3]] }, rules).lines[0];
    assert.equal(chosen.quantity, 3);
    assert.deepEqual(chosen.perTraveller, [300, 300, 150, 150]);
    assert.throws(() => costQuotation([hotel], { partySize: 3, language: 'en', rooms: [[0, 1, 2]] }, rules), /rooms\[0\] has 3 travellers but Hotel in Cusco sleeps at most 2/);
    assert.throws(() => costQuotation([hotel], { partySize: 3, language: 'en', rooms: [[0, 1]] }, rules), /travellers 2 have no room/);
    assert.throws(() => costQuotation([hotel], { partySize: 2, language: 'en', rooms: [[0, 1], [1]] }, rules), /traveller 1 is in more than one room/);
  });
});

describe('vehicle by group size', () => {
  it('chooses the cheapest vehicles that seat the group, from a car to several coaches', () => {
    const reference = { unitCost: 120, seats: 10 };
    assert.deepEqual(planVehicles(2, reference).vehicles.map((v) => [v.name, v.count]), [['car', 1]]);
    assert.deepEqual(planVehicles(9, reference).vehicles.map((v) => [v.name, v.count]), [['van', 1]]);
    assert.deepEqual(planVehicles(18, reference).vehicles.map((v) => [v.name, v.count]), [['minibus', 1]]);
    assert.deepEqual(planVehicles(40, reference).vehicles.map((v) => [v.name, v.count]), [['coach', 1]]);
    const big = planVehicles(85, reference);
    assert.ok(big.vehicles.reduce((s, v) => s + v.seats * v.count, 0) >= 85);
    // No cheaper mix exists than the plan: compare with every mix of up to 4 coaches plus the best rest.
    assert.ok(big.cost <= 3 * vehicleCost(reference, 40, 0.6) + 0.001);
  });

  it('costs the transport line with the chosen vehicles, shared equally', () => {
    const small = costQuotation([van], { partySize: 2, language: 'en' }, rules).lines[0];
    const group = costQuotation([van], { partySize: 15, language: 'en' }, rules).lines[0];
    assert.match(small.detail, /1 car \(3 seats\)/);
    assert.match(group.detail, /1 minibus \(20 seats\)/);
    assert.ok(small.amount < van.unitCost && group.amount > van.unitCost, `car ${small.amount} < van ${van.unitCost} < minibus ${group.amount}`);
    assert.equal(new Set(group.perTraveller).size <= 2, true);
  });

  it('refuses a vehicle component without a capacity', () => {
    assert.throws(() => costQuotation([{ ...van, unitCapacity: null }], { partySize: 2, language: 'en' }, rules), /priced per vehicle but has no vehicle capacity/);
  });
});

describe('guide by language and group size', () => {
  it('pays the language premium, falls back to the "other" rate, and adds a guide per 16 travellers', () => {
    const en = costQuotation([guide], { partySize: 4, language: 'en' }, rules).lines[0];
    const de = costQuotation([guide], { partySize: 4, language: 'de' }, rules).lines[0];
    const sw = costQuotation([guide], { partySize: 4, language: 'sw' }, rules).lines[0];
    const large = costQuotation([guide], { partySize: 20, language: 'en' }, rules).lines[0];
    assert.equal(en.amount, 80);
    assert.equal(de.amount, 100);
    assert.equal(sw.amount, 112);
    assert.match(de.detail, /de-speaking guide × 1.25/);
    assert.equal(large.quantity, 2);
    assert.equal(large.amount, 160);
  });

  it('names the language when it is not a code', () => {
    assert.throws(() => costQuotation([guide], { partySize: 2, language: 'German' }, rules), (err: Error & { field?: string }) => err.field === 'language');
  });
});

describe('a whole quotation', () => {
  it('adds operational costs and splits every line over the travellers to the cent', () => {
    const costing = costQuotation([hotel, van, guide, train], { partySize: 3, language: 'de' }, rules);
    const direct = costing.lines.filter((l) => l.kind !== 'operational').reduce((s, l) => s + l.amount, 0);
    assert.equal(costing.directCost, Math.round(direct * 100) / 100);
    assert.equal(costing.operationalCost, Math.round((direct * 0.06 + 3 * 12) * 100) / 100);
    assert.equal(costing.costTotal, Math.round((costing.directCost + costing.operationalCost) * 100) / 100);
    assert.equal(Math.round(costing.travellerCosts.reduce((s, x) => s + x, 0) * 100), Math.round(costing.costTotal * 100));
    // The traveller alone in a room costs most.
    assert.equal(costing.travellerCosts.indexOf(Math.max(...costing.travellerCosts)), 2);
  });

  it('refuses a component in another currency, a negative cost and a party of 0, naming the field', () => {
    assert.throws(() => costQuotation([{ ...train, currency: 'PEN' }], { partySize: 2, language: 'en' }, rules), (e: Error & { field?: string }) => e.field === 'components[0].currency');
    assert.throws(() => costQuotation([{ ...train, unitCost: -1 }], { partySize: 2, language: 'en' }, rules), (e: Error & { field?: string }) => e.field === 'components[0].unitCost');
    assert.throws(() => costQuotation([train], { partySize: 0, language: 'en' }, rules), (e: Error & { field?: string }) => e.field === 'partySize');
  });
});

describe('price privacy shares', () => {
  it('marks every traveller up alike and adds up to the price exactly', () => {
    const costing = costQuotation([hotel, van, guide, train], { partySize: 5, language: 'en' }, rules);
    const price = 4321.07;
    const shares = priceShares(costing.travellerCosts, price);
    assert.equal(Math.round(shares.reduce((s, x) => s + x, 0) * 100), Math.round(price * 100));
    const markups = shares.map((s, i) => s / costing.travellerCosts[i]);
    assert.ok(Math.max(...markups) - Math.min(...markups) < 0.001, `markups ${markups.join(', ')}`);
    assert.ok(shares[4] > shares[0], 'the single traveller pays the single supplement');
  });

  it('splits cents by largest remainder', () => {
    assert.deepEqual(splitCents(100, [1, 1, 1]), [33.34, 33.33, 33.33]);
    assert.deepEqual(splitCents(0.05, [1, 1]), [0.03, 0.02]);
  });
});

describe('price table by group size', () => {
  it('costs each band at its costliest size, and a traveller costs less in bigger groups', () => {
    const bands = bandCosts([hotel, van, guide, train], 'en', rules, DEFAULT_BANDS);
    assert.deepEqual(bands.map((b) => [b.minPax, b.maxPax]), [[2, 3], [4, 6], [7, 10], [11, null]]);
    for (const band of bands) {
      assert.ok(band.pricedAtPax >= band.minPax && band.pricedAtPax <= (band.maxPax ?? 16));
      for (let partySize = band.minPax; partySize <= (band.maxPax ?? 16); partySize++) {
        const perPax = costQuotation([hotel, van, guide, train], { partySize, language: 'en' }, rules).costTotal / partySize;
        assert.ok(perPax <= band.costPerPax + 0.01, `band ${band.minPax}: ${partySize} travellers cost ${perPax} > ${band.costPerPax}`);
      }
    }
    // 3 travellers need a single room, so the band 2–3 is priced at 3.
    assert.equal(bands[0].pricedAtPax, 3);
    assert.ok(bands[0].costPerPax > bands[2].costPerPax);
  });

  it('refuses overlapping bands', () => {
    assert.throws(() => bandCosts([train], 'en', rules, [{ minPax: 2, maxPax: 5 }, { minPax: 4, maxPax: 6 }]), /overlaps/);
  });
});
