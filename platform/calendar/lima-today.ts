/** Today's date (YYYY-MM-DD) where the tours run: Lima's day, which starts five hours after UTC's. */
export function limaToday(now = new Date()): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'America/Lima', year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
}

/** The days a caller may give as "today": dates resolved from it (up to a few years on) must stay four-digit years. */
const EARLIEST_TODAY = '1900-01-01';
const LATEST_TODAY = '2290-12-31';

/** Why a caller's "today" cannot be used, or undefined: a day outside EARLIEST_TODAY..LATEST_TODAY. */
export function todayOutOfRange(today: string): string | undefined {
  return today < EARLIEST_TODAY || today > LATEST_TODAY ? `today must be a day from ${EARLIEST_TODAY} to ${LATEST_TODAY}, got ${today}` : undefined;
}
