/** Today's date (YYYY-MM-DD) where the tours run: Lima's day, which starts five hours after UTC's. */
export function limaToday(now = new Date()): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'America/Lima', year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
}
