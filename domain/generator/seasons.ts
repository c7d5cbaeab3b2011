import { windowRanges, type YearlyWindow } from './calendar.ts';
import type { DestinationSpec, SeasonProfile } from './catalogue-data.ts';
import { MARKETS } from './markets.ts';
import { monthOf } from './time.ts';

/**
 * When people want to be at each destination. A destination's season index for a day is its profile's monthly
 * level times the uplift of any festival or holiday that day (Inti Raymi, Fiestas Patrias, Semana Santa,
 * Christmas/New Year, Candelaria). The index drives both demand (travel dates are drawn from it) and price
 * (the markup rises with its logarithm), and the ground truth records it.
 */
export const MONTHLY_SEASONALITY: Record<SeasonProfile, readonly number[]> = {
  // Dry season May–September; February is the wettest month (the Inca Trail closes).
  andes: [0.6, 0.45, 0.65, 0.85, 1.15, 1.4, 1.55, 1.45, 1.2, 0.95, 0.8, 0.75],
  // Lima's sunny summer is December–March; the grey winter is quieter but the city is a gateway all year.
  lima: [1.2, 1.2, 1.1, 0.95, 0.9, 0.95, 1.05, 1.0, 0.9, 0.9, 0.9, 1.1],
  coast_desert: [1.3, 1.3, 1.1, 0.9, 0.8, 0.8, 1.05, 1.0, 0.85, 0.9, 0.9, 1.2],
  beach_north: [1.5, 1.6, 1.3, 0.95, 0.7, 0.7, 0.9, 0.9, 0.7, 0.75, 0.8, 1.3],
  // Low-water months (June–November) are best for walking the forest; high water for canoe trips.
  amazon: [1.0, 0.8, 0.8, 0.8, 0.9, 1.1, 1.3, 1.3, 1.1, 0.95, 0.85, 1.0],
  // The mirror effect (January–March) and the dry cold season both draw visitors.
  uyuni: [1.25, 1.2, 1.1, 0.9, 0.85, 1.0, 1.2, 1.1, 1.0, 0.9, 0.7, 0.9],
  galapagos: [1.3, 1.0, 1.0, 1.0, 0.9, 1.1, 1.3, 1.3, 0.9, 0.8, 0.8, 1.3],
  ecuador_andes: [0.85, 0.8, 0.85, 0.9, 0.95, 1.15, 1.3, 1.3, 1.1, 0.95, 0.85, 1.0],
  caribbean: [1.35, 1.25, 1.2, 1.0, 0.8, 0.85, 1.0, 0.95, 0.75, 0.8, 0.9, 1.3],
  atacama: [1.25, 1.15, 1.0, 0.9, 0.85, 0.9, 1.15, 1.0, 0.95, 1.0, 1.0, 1.1],
  iguazu: [1.25, 1.05, 0.95, 1.0, 0.85, 0.85, 1.25, 1.0, 0.9, 0.95, 0.9, 1.05],
};

export interface SeasonEvent {
  name: string;
  /** 'PE' = every Peruvian destination, 'ALL' = everywhere, else a list of destination codes. */
  where: 'PE' | 'ALL' | readonly string[];
  window: YearlyWindow;
  uplift: number;
}

export const SEASON_EVENTS: readonly SeasonEvent[] = [
  { name: 'inti_raymi', where: ['cusco', 'sacred-valley'], window: { anchor: { kind: 'fixed', month: 6, day: 24 }, before: 4, after: 1 }, uplift: 1.8 },
  { name: 'fiestas_patrias', where: 'PE', window: { anchor: { kind: 'fixed', month: 7, day: 28 }, before: 3, after: 2 }, uplift: 1.35 },
  { name: 'semana_santa', where: 'ALL', window: { anchor: { kind: 'easter', offset: 0 }, before: 7, after: 1 }, uplift: 1.3 },
  { name: 'christmas_new_year', where: 'ALL', window: { anchor: { kind: 'fixed', month: 12, day: 27 }, before: 7, after: 6 }, uplift: 1.3 },
  { name: 'virgen_de_la_candelaria', where: ['puno-titicaca'], window: { anchor: { kind: 'fixed', month: 2, day: 2 }, before: 1, after: 12 }, uplift: 1.7 },
];

function appliesTo(event: SeasonEvent, destination: DestinationSpec): boolean {
  if (event.where === 'ALL') return true;
  if (event.where === 'PE') return destination.country === 'PE';
  return event.where.includes(destination.code);
}

function normalised(monthly: readonly number[]): number[] {
  const mean = monthly.reduce((a, b) => a + b, 0) / monthly.length;
  return monthly.map((v) => v / mean);
}

/**
 * Season indices and market propensities painted onto every day of the simulated span, so that the hot loops
 * look them up instead of recomputing calendars.
 */
export class SeasonGrid {
  readonly firstDay: number;
  readonly days: number;
  private readonly destination: Float32Array[];
  private readonly market: Float32Array[];

  constructor(destinations: readonly DestinationSpec[], firstDay: number, lastDay: number) {
    this.firstDay = firstDay;
    this.days = lastDay - firstDay + 1;
    this.destination = destinations.map((d) => {
      const monthly = MONTHLY_SEASONALITY[d.season];
      const grid = new Float32Array(this.days);
      for (let i = 0; i < this.days; i++) grid[i] = monthly[monthOf(firstDay + i) - 1];
      for (const event of SEASON_EVENTS) {
        if (!appliesTo(event, d)) continue;
        for (const [a, b] of windowRanges(event.window, firstDay, lastDay)) for (let day = a; day <= b; day++) grid[day - firstDay] *= event.uplift;
      }
      return grid;
    });
    this.market = MARKETS.map((m) => {
      const monthly = normalised(m.monthly);
      const grid = new Float32Array(this.days);
      for (let i = 0; i < this.days; i++) grid[i] = monthly[monthOf(firstDay + i) - 1];
      for (const h of m.holidays) {
        for (const [a, b] of windowRanges(h.window, firstDay, lastDay)) for (let day = a; day <= b; day++) grid[day - firstDay] *= h.uplift;
      }
      return grid;
    });
  }

  /** Season index of a destination on a day (1 = an average month). */
  season(destination: number, day: number): number {
    return this.destination[destination][this.clamp(day)];
  }

  /** How much a market's travellers want to travel that day (school holidays, public holidays). */
  propensity(market: number, day: number): number {
    return this.market[market][this.clamp(day)];
  }

  /** The largest season × propensity^binding on the grid: the envelope for drawing travel dates. */
  densityBound(binding: number): number {
    let season = 0;
    for (const g of this.destination) for (const v of g) season = Math.max(season, v);
    let lo = Infinity;
    let hi = 0;
    for (const g of this.market) {
      for (const v of g) {
        lo = Math.min(lo, v);
        hi = Math.max(hi, v);
      }
    }
    return season * Math.pow(binding >= 0 ? hi : lo, binding);
  }

  private clamp(day: number): number {
    const i = day - this.firstDay;
    return i < 0 ? 0 : i >= this.days ? this.days - 1 : i;
  }
}
