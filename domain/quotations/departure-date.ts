import { InputError } from '../../platform/errors.ts';

/** Today where the tours run: a departure "today" is still quotable all day in Peru. */
function todayInLima(now: Date): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'America/Lima', year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
}

/** A quotation is for a trip still to come: a departure date already past is refused, naming the field. */
export function refusePastDeparture(departureDate: string, now = new Date()): void {
  const today = todayInLima(now);
  if (departureDate < today) throw new InputError(`departureDate ${departureDate} has passed (today is ${today} in Lima); quote a date still to come`, 'departureDate');
}
