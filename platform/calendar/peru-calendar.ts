/**
 * Holidays, festivals and source markets' school holidays that move tourism demand in Peru.
 * Editable data: add a line to add a regressor. Dates are approximate for school holidays (they vary by year and
 * region); keep the window where the effect on bookings or travellers is felt.
 *
 * Rules: `fixed` is a day of the year; `easter` counts days from Easter Sunday (Gregorian computus), for the moving
 * feasts; `range` is a yearly span from one month-day to another, wrapping over New Year when `to` < `from`.
 * `before`/`after` widen a fixed or Easter date into a window of days.
 */
export type EventRule =
  | { kind: 'fixed'; month: number; day: number }
  | { kind: 'easter'; offset: number }
  | { kind: 'range'; from: readonly [month: number, day: number]; to: readonly [month: number, day: number] };

export interface CalendarEvent {
  name: string;
  category: 'holiday' | 'festival' | 'school_holidays';
  /** Where it matters: `PE` national, a city, or a source market for school holidays. */
  where: string;
  rule: EventRule;
  before?: number;
  after?: number;
}

export const PERU_CALENDAR: readonly CalendarEvent[] = [
  { name: 'new_year', category: 'holiday', where: 'PE', rule: { kind: 'fixed', month: 1, day: 1 }, before: 1 },
  { name: 'virgen_de_la_candelaria', category: 'festival', where: 'Puno', rule: { kind: 'fixed', month: 2, day: 2 }, after: 14 },
  { name: 'carnaval', category: 'festival', where: 'PE', rule: { kind: 'easter', offset: -48 }, before: 2, after: 1 },
  { name: 'semana_santa', category: 'holiday', where: 'PE', rule: { kind: 'easter', offset: -3 }, before: 4, after: 3 },
  { name: 'labour_day', category: 'holiday', where: 'PE', rule: { kind: 'fixed', month: 5, day: 1 } },
  { name: 'qoyllur_riti', category: 'festival', where: 'Cusco', rule: { kind: 'easter', offset: 56 }, before: 3 },
  { name: 'corpus_christi_cusco', category: 'festival', where: 'Cusco', rule: { kind: 'easter', offset: 60 }, before: 1, after: 1 },
  { name: 'inti_raymi', category: 'festival', where: 'Cusco', rule: { kind: 'fixed', month: 6, day: 24 }, before: 3, after: 1 },
  { name: 'san_pedro_y_san_pablo', category: 'holiday', where: 'PE', rule: { kind: 'fixed', month: 6, day: 29 } },
  { name: 'virgen_del_carmen_paucartambo', category: 'festival', where: 'Cusco', rule: { kind: 'fixed', month: 7, day: 16 }, before: 1, after: 2 },
  { name: 'fiestas_patrias', category: 'holiday', where: 'PE', rule: { kind: 'fixed', month: 7, day: 28 }, before: 2, after: 1 },
  { name: 'batalla_de_junin', category: 'holiday', where: 'PE', rule: { kind: 'fixed', month: 8, day: 6 } },
  { name: 'arequipa_anniversary', category: 'festival', where: 'Arequipa', rule: { kind: 'fixed', month: 8, day: 15 }, before: 1 },
  { name: 'santa_rosa_de_lima', category: 'holiday', where: 'PE', rule: { kind: 'fixed', month: 8, day: 30 } },
  { name: 'combate_de_angamos', category: 'holiday', where: 'PE', rule: { kind: 'fixed', month: 10, day: 8 } },
  { name: 'todos_los_santos', category: 'holiday', where: 'PE', rule: { kind: 'fixed', month: 11, day: 1 } },
  { name: 'semana_de_puno', category: 'festival', where: 'Puno', rule: { kind: 'fixed', month: 11, day: 5 }, before: 2, after: 2 },
  { name: 'inmaculada_concepcion', category: 'holiday', where: 'PE', rule: { kind: 'fixed', month: 12, day: 8 } },
  { name: 'batalla_de_ayacucho', category: 'holiday', where: 'PE', rule: { kind: 'fixed', month: 12, day: 9 } },
  { name: 'christmas', category: 'holiday', where: 'PE', rule: { kind: 'fixed', month: 12, day: 25 }, before: 1 },
  { name: 'school_summer_peru', category: 'school_holidays', where: 'PE', rule: { kind: 'range', from: [12, 20], to: [3, 10] } },
  { name: 'school_midyear_peru', category: 'school_holidays', where: 'PE', rule: { kind: 'range', from: [7, 20], to: [8, 4] } },
  { name: 'school_summer_usa', category: 'school_holidays', where: 'US', rule: { kind: 'range', from: [6, 10], to: [8, 25] } },
  { name: 'school_summer_europe', category: 'school_holidays', where: 'EU', rule: { kind: 'range', from: [7, 1], to: [8, 31] } },
  { name: 'school_winter_chile', category: 'school_holidays', where: 'CL', rule: { kind: 'range', from: [6, 23], to: [7, 7] } },
  { name: 'school_winter_argentina', category: 'school_holidays', where: 'AR', rule: { kind: 'range', from: [7, 14], to: [7, 28] } },
  { name: 'school_summer_brazil', category: 'school_holidays', where: 'BR', rule: { kind: 'range', from: [12, 20], to: [2, 5] } },
  { name: 'christmas_holidays_north', category: 'school_holidays', where: 'US/EU', rule: { kind: 'range', from: [12, 20], to: [1, 5] } },
];
