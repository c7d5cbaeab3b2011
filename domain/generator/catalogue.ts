import { normal, type Rng } from '../../platform/random.ts';
import { DESTINATIONS, LEVEL_RATES, TEMPLATES, THEMES, type DestinationSpec, type ServiceLevel, type Theme } from './catalogue-data.ts';
import { itineraryFactors } from './latent-space.ts';

/**
 * Every template × duration × service level becomes an itinerary with costed components. The cost of a party
 * follows the components' units: rooms for two (a solo traveller pays a whole room), vehicles by seats, a guide
 * per group (dearer for scarce languages), and fees, rides and meals per person.
 */
export interface ComponentSpec {
  kind: 'hotel' | 'transport' | 'guide' | 'service';
  name: string;
  dayNumber: number;
  nights: number;
  unit: 'per_person' | 'per_room' | 'per_vehicle' | 'per_group';
  unitCost: number;
  unitCapacity: number | null;
}

export interface Itinerary {
  /** 0-based; the database id is index + 1. */
  index: number;
  code: string;
  name: string;
  destination: number;
  durationDays: number;
  level: ServiceLevel;
  themes: Theme[];
  factors: Float64Array;
  /** Relative pull before taste (destination popularity × template appeal). */
  appeal: number;
  /** Hidden quality: better-run tours are rated higher. */
  quality: number;
  /** Seats per departure (the operator's allotment of guides, permits and train seats). */
  capacity: number;
  components: ComponentSpec[];
  cost: { perRoom: number; perVehicle: number; vehicleSeats: number; perGroup: number; perPerson: number };
}

export interface Catalogue {
  destinations: readonly DestinationSpec[];
  itineraries: Itinerary[];
}

function slug(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}

const whole = (x: number) => Math.round(x);
const jitter = (rng: Rng, lo: number, hi: number) => lo + (hi - lo) * rng();

function components(dest: DestinationSpec, t: (typeof TEMPLATES)[number], days: number, level: ServiceLevel, rng: Rng): ComponentSpec[] {
  const rates = LEVEL_RATES[level];
  const out: ComponentSpec[] = [];
  const nights = days - 1;
  // Long tours move on half-way: two hotel stays, the second in a dearer or cheaper place.
  const stays = nights >= 4 ? [Math.ceil(nights / 2), Math.floor(nights / 2)] : nights > 0 ? [nights] : [];
  let day = 1;
  for (const [i, n] of stays.entries()) {
    out.push({ kind: 'hotel', name: `${rates.hotel}, ${dest.name}${stays.length > 1 ? ` (stay ${i + 1})` : ''}`, dayNumber: day, nights: n, unit: 'per_room', unitCost: whole(rates.room * dest.costLevel * jitter(rng, 0.85, 1.2)), unitCapacity: 2 });
    day += n;
  }
  out.push({
    kind: 'transport',
    name: `${rates.vehicle.name} with driver, ${days} day${days > 1 ? 's' : ''}`,
    dayNumber: 1,
    nights: 0,
    unit: 'per_vehicle',
    unitCost: whole(rates.vehicle.perDay * days * Math.sqrt(dest.costLevel) * jitter(rng, 0.9, 1.1)),
    unitCapacity: rates.vehicle.seats,
  });
  if (dest.flight > 0 && days >= 3) {
    out.push({ kind: 'transport', name: 'Return flight from Lima', dayNumber: 1, nights: 0, unit: 'per_person', unitCost: whole(dest.flight * jitter(rng, 0.9, 1.15)), unitCapacity: null });
  }
  if (t.ride) {
    const levelFactor = level === 'luxury' ? 1.6 : level === 'superior' ? 1.25 : 1;
    out.push({ kind: 'transport', name: t.ride.name, dayNumber: Math.min(days, 2), nights: 0, unit: 'per_person', unitCost: whole(t.ride.cost * levelFactor * jitter(rng, 0.95, 1.05)), unitCapacity: null });
  }
  const guideDays = Math.max(1, days - 1);
  out.push({ kind: 'guide', name: `Bilingual guide (Spanish/English), ${guideDays} day${guideDays > 1 ? 's' : ''}`, dayNumber: 1, nights: 0, unit: 'per_group', unitCost: whole(rates.guidePerDay * guideDays * Math.pow(dest.costLevel, 0.3)), unitCapacity: null });
  if (t.entrance > 0) out.push({ kind: 'service', name: 'Entrance fees and permits', dayNumber: 1, nights: 0, unit: 'per_person', unitCost: whole(t.entrance), unitCapacity: null });
  out.push({ kind: 'service', name: `Meals, ${days} day${days > 1 ? 's' : ''}`, dayNumber: 1, nights: 0, unit: 'per_person', unitCost: whole(rates.mealsPerDay * days * dest.costLevel), unitCapacity: null });
  return out;
}

export function buildCatalogue(rng: Rng): Catalogue {
  const itineraries: Itinerary[] = [];
  for (const t of TEMPLATES) {
    const destination = DESTINATIONS.findIndex((d) => d.code === t.destination);
    if (destination < 0) throw new Error(`template ${t.name} names unknown destination ${t.destination}`);
    const dest = DESTINATIONS[destination];
    const themes = (Object.entries(t.themes) as Array<[Theme, number]>).sort((a, b) => b[1] - a[1] || THEMES.indexOf(a[0]) - THEMES.indexOf(b[0])).map(([name]) => name);
    for (const days of t.durations) {
      for (const level of t.levels) {
        const parts = components(dest, t, days, level, rng);
        const [lo, hi] = LEVEL_RATES[level].capacity;
        const sum = (unit: ComponentSpec['unit']) => parts.filter((c) => c.unit === unit).reduce((s, c) => s + c.unitCost * (unit === 'per_room' ? c.nights : 1), 0);
        const vehicle = parts.find((c) => c.unit === 'per_vehicle')!;
        itineraries.push({
          index: itineraries.length,
          code: `${dest.code}-${slug(t.name)}-${days}d-${level}`,
          name: `${t.name} (${days} day${days > 1 ? 's' : ''}, ${level})`,
          destination,
          durationDays: days,
          level,
          themes,
          factors: itineraryFactors(t.themes, dest.taste, level),
          appeal: dest.popularity * (t.appeal ?? 1),
          quality: normal(rng, 0, 0.35),
          capacity: lo + Math.floor(rng() * (hi - lo + 1)),
          components: parts,
          cost: { perRoom: sum('per_room'), perVehicle: vehicle.unitCost, vehicleSeats: vehicle.unitCapacity!, perGroup: sum('per_group'), perPerson: sum('per_person') },
        });
      }
    }
  }
  return { destinations: DESTINATIONS, itineraries };
}

/** What a party of `pax` costs the operator on this itinerary, with the guide's language premium. */
export function partyCost(itinerary: Itinerary, pax: number, guidePremium: number): number {
  const c = itinerary.cost;
  const cost = c.perRoom * Math.ceil(pax / 2) + c.perVehicle * Math.ceil(pax / c.vehicleSeats) + c.perGroup * guidePremium + c.perPerson * pax;
  return Math.round(cost * 100) / 100;
}
