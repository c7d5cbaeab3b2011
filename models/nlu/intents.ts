/**
 * What a customer's message is about (issue 27). Tie-breaks the corpora follow: any problem with paying or a
 * charge is `payment`; a refund after a cancellation is `cancellation`; what a tour includes, its schedule or
 * pickup is `itinerary_info`; changing or confirming an existing reservation is `booking`; a greeting followed
 * by a request takes the request's intent.
 */
export const INTENTS = ['greeting', 'quotation_request', 'booking', 'itinerary_info', 'support', 'payment', 'cancellation', 'general'] as const;
export type Intent = (typeof INTENTS)[number];

export function isIntent(value: unknown): value is Intent {
  return typeof value === 'string' && (INTENTS as readonly string[]).includes(value);
}

export const SERVICE_LEVELS = ['standard', 'superior', 'luxury'] as const;
export type ServiceLevel = (typeof SERVICE_LEVELS)[number];

export type Language = 'es' | 'en';
export type Tone = 'positive' | 'neutral' | 'negative';

export interface Budget {
  amount: number;
  currency: 'USD' | 'PEN' | 'EUR' | 'GBP';
  /**
   * Only when the message says, right next to the amount: "por persona", "x cabeza", "each" (person); "en total",
   * "for all of us" (party). "por pareja" is read as half the amount per person.
   */
  per?: BudgetBasis;
}

export type BudgetBasis = 'person' | 'party';

/** The entities of one message, in the benchmark file's shape; null when the message does not say. */
export interface MessageEntities {
  destination: string | null;
  date_from: string | null;
  date_to: string | null;
  party_size: number | null;
  budget: Budget | null;
  service_level: ServiceLevel | null;
}
