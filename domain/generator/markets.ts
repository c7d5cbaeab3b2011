import type { YearlyWindow } from './calendar.ts';

/**
 * Source markets: where customers come from, the language they speak (guides in German, French, Portuguese or
 * Japanese cost more) and when they can travel: a monthly propensity shaped by school holidays, plus holiday
 * windows (Easter, Golden Week, Fiestas Patrias…). Families follow these closely; seniors avoid them.
 */
export interface MarketSpec {
  country: string;
  language: string;
  /** Share of customers from this market. */
  share: number;
  /** Relative propensity to start a trip, January..December (normalised to mean 1 when used). */
  monthly: readonly number[];
  holidays: ReadonlyArray<{ name: string; window: YearlyWindow; uplift: number }>;
}

const EASTER_BREAK: YearlyWindow = { anchor: { kind: 'easter', offset: 0 }, before: 9, after: 8 };
const SEMANA_SANTA: YearlyWindow = { anchor: { kind: 'easter', offset: 0 }, before: 7, after: 1 };
const CHRISTMAS_BREAK: YearlyWindow = { anchor: { kind: 'fixed', month: 12, day: 27 }, before: 7, after: 7 };

export const MARKETS: readonly MarketSpec[] = [
  { country: 'US', language: 'en', share: 0.26, monthly: [0.8, 0.7, 1.0, 0.9, 0.9, 1.3, 1.4, 1.2, 0.8, 0.9, 0.9, 1.2], holidays: [{ name: 'christmas', window: CHRISTMAS_BREAK, uplift: 1.3 }] },
  { country: 'GB', language: 'en', share: 0.09, monthly: [0.8, 0.9, 0.9, 1.0, 1.0, 0.9, 1.4, 1.5, 0.9, 1.0, 0.8, 1.0], holidays: [{ name: 'easter', window: EASTER_BREAK, uplift: 1.3 }, { name: 'christmas', window: CHRISTMAS_BREAK, uplift: 1.3 }] },
  { country: 'DE', language: 'de', share: 0.09, monthly: [0.8, 0.8, 0.9, 1.0, 1.0, 0.9, 1.4, 1.4, 1.2, 1.1, 0.7, 0.9], holidays: [{ name: 'easter', window: EASTER_BREAK, uplift: 1.3 }, { name: 'christmas', window: CHRISTMAS_BREAK, uplift: 1.2 }] },
  { country: 'FR', language: 'fr', share: 0.08, monthly: [0.8, 1.2, 0.9, 1.0, 1.0, 0.8, 1.5, 1.6, 0.8, 1.0, 0.7, 1.0], holidays: [{ name: 'easter', window: EASTER_BREAK, uplift: 1.3 }, { name: 'christmas', window: CHRISTMAS_BREAK, uplift: 1.2 }] },
  { country: 'ES', language: 'es', share: 0.07, monthly: [0.8, 0.8, 0.9, 1.0, 0.9, 0.9, 1.5, 1.7, 0.9, 0.9, 0.8, 1.0], holidays: [{ name: 'semana_santa', window: SEMANA_SANTA, uplift: 1.5 }, { name: 'christmas', window: CHRISTMAS_BREAK, uplift: 1.2 }] },
  { country: 'BR', language: 'pt', share: 0.06, monthly: [1.6, 1.3, 0.8, 0.8, 0.8, 0.8, 1.3, 0.8, 0.8, 0.9, 0.9, 1.4], holidays: [{ name: 'carnaval', window: { anchor: { kind: 'easter', offset: -47 }, before: 4, after: 1 }, uplift: 1.4 }] },
  { country: 'AR', language: 'es', share: 0.05, monthly: [1.7, 1.5, 0.8, 0.8, 0.7, 0.7, 1.3, 0.8, 0.8, 0.9, 0.8, 1.2], holidays: [{ name: 'semana_santa', window: SEMANA_SANTA, uplift: 1.3 }] },
  { country: 'CL', language: 'es', share: 0.05, monthly: [1.7, 1.6, 0.8, 0.8, 0.7, 0.8, 1.2, 0.8, 1.0, 0.8, 0.8, 1.1], holidays: [{ name: 'fiestas_patrias_chile', window: { anchor: { kind: 'fixed', month: 9, day: 18 }, before: 3, after: 3 }, uplift: 1.5 }] },
  { country: 'MX', language: 'es', share: 0.05, monthly: [0.8, 0.8, 1.0, 1.1, 0.8, 0.9, 1.4, 1.4, 0.8, 0.8, 0.9, 1.3], holidays: [{ name: 'semana_santa', window: SEMANA_SANTA, uplift: 1.5 }] },
  { country: 'PE', language: 'es', share: 0.08, monthly: [1.5, 1.5, 1.0, 0.8, 0.7, 0.8, 1.2, 0.9, 0.8, 0.8, 0.8, 1.2], holidays: [{ name: 'semana_santa', window: SEMANA_SANTA, uplift: 1.6 }, { name: 'fiestas_patrias', window: { anchor: { kind: 'fixed', month: 7, day: 28 }, before: 4, after: 3 }, uplift: 1.8 }] },
  { country: 'JP', language: 'ja', share: 0.04, monthly: [0.9, 0.8, 1.0, 1.0, 1.2, 0.8, 0.9, 1.3, 1.1, 1.0, 0.9, 1.1], holidays: [{ name: 'golden_week', window: { anchor: { kind: 'fixed', month: 5, day: 2 }, before: 3, after: 3 }, uplift: 2 }, { name: 'obon', window: { anchor: { kind: 'fixed', month: 8, day: 14 }, before: 2, after: 2 }, uplift: 1.6 }, { name: 'new_year', window: { anchor: { kind: 'fixed', month: 12, day: 31 }, before: 3, after: 3 }, uplift: 1.5 }] },
  { country: 'AU', language: 'en', share: 0.04, monthly: [1.4, 0.8, 0.9, 1.1, 0.9, 0.9, 1.2, 0.8, 1.0, 1.1, 0.8, 1.3], holidays: [{ name: 'christmas', window: CHRISTMAS_BREAK, uplift: 1.3 }] },
  { country: 'CA', language: 'en', share: 0.04, monthly: [0.8, 0.8, 1.1, 0.9, 0.9, 1.2, 1.4, 1.3, 0.8, 0.9, 0.8, 1.2], holidays: [{ name: 'christmas', window: CHRISTMAS_BREAK, uplift: 1.3 }] },
];

/**
 * Guides speak Spanish and English at the base rate; other languages are scarcer and cost more
 * (the same multipliers as the quotation engine's guide_language_rates, migration 020).
 */
export const GUIDE_LANGUAGE_PREMIUM: Record<string, number> = { es: 1, en: 1, de: 1.25, fr: 1.25, pt: 1.15, ja: 1.6 };
