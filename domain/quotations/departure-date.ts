import { InputError } from '../../platform/errors.ts';
import { limaToday } from '../../platform/calendar/lima-today.ts';

/** A quotation is for a trip still to come: a departure date already past (in Lima) is refused, naming the field. */
export function refusePastDeparture(departureDate: string, now = new Date()): void {
  const today = limaToday(now);
  if (departureDate < today) throw new InputError(`departureDate ${departureDate} has passed (today is ${today} in Lima); quote a date still to come`, 'departureDate');
}
