import type { CatalogueItinerary } from '../online/catalogue.ts';

/**
 * An itinerary as a sales agent offers it: what it is, where, how long, at what level, from what price, and the
 * next departures that still have seats — from the catalogue in memory, so an answer never waits for it.
 */
export interface ItineraryCard {
  itineraryId: number;
  code: string;
  name: string;
  destination: { id: number; code: string; name: string };
  days: number;
  serviceLevel: string;
  themes: string[];
  active: boolean;
  /** Lowest price per traveller paid on its bookings of the last 365 days, USD (null: none booked). */
  priceFrom: number | null;
  nextDepartures: Array<{ departureId: number; date: string; seatsLeft: number; capacity: number }>;
}

export const NEXT_DEPARTURES = 3;

/**
 * The card of an itinerary, with its next scheduled departures with free seats on or after `from` (YYYY-MM-DD) and
 * never before `today` (Lima's day, the catalogue's `today()`): the catalogue holds the past week's departures, which have left.
 */
export function itineraryCard(it: CatalogueItinerary, from: string, today: string, departures = NEXT_DEPARTURES): ItineraryCard {
  const start = from < today ? today : from;
  const next: ItineraryCard['nextDepartures'] = [];
  for (const d of it.departures) {
    if (next.length >= departures) break;
    if (d.date < start || d.status !== 'scheduled' || d.seatsSold >= d.capacity) continue;
    next.push({ departureId: d.id, date: d.date, seatsLeft: d.capacity - d.seatsSold, capacity: d.capacity });
  }
  return {
    itineraryId: it.itineraryId,
    code: it.code,
    name: it.name,
    destination: { id: it.destinationId, code: it.destinationCode, name: it.destinationName },
    days: it.durationDays,
    serviceLevel: it.serviceLevel,
    themes: it.themes,
    active: it.active,
    priceFrom: it.priceFrom,
    nextDepartures: next,
  };
}
