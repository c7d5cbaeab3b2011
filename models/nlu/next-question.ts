import type { Intent, Language, MessageEntities, Tone } from './intents.ts';

/**
 * What a quote request still lacks (destination, dates, party size — what the quotation engine needs) and the
 * question that asks for the first missing piece, in the customer's language. A negative tone opens with an
 * apology; other intents get the reply that moves them along instead of a quote question.
 */
export type MissingField = 'destination' | 'dates' | 'party_size';

export function missingFields(entities: MessageEntities): MissingField[] {
  const missing: MissingField[] = [];
  if (!entities.destination) missing.push('destination');
  if (!entities.date_from) missing.push('dates');
  if (!entities.party_size) missing.push('party_size');
  return missing;
}

const QUESTIONS: Record<Language, Record<MissingField | 'complete', string>> = {
  es: {
    destination: '¿A qué destino le gustaría viajar? Por ejemplo Cusco y Machu Picchu, el Valle Sagrado o el Lago Titicaca.',
    dates: '¿En qué fechas piensa viajar?',
    party_size: '¿Cuántas personas viajan, contando a los niños?',
    complete: 'Perfecto, con estos datos preparamos su cotización.',
  },
  en: {
    destination: 'Which destination would you like to visit? For example Cusco & Machu Picchu, the Sacred Valley or Lake Titicaca.',
    dates: 'Which dates are you thinking of travelling?',
    party_size: 'How many people are travelling, children included?',
    complete: 'Great, with these details we will prepare your quotation.',
  },
};

const OTHER_INTENTS: Record<Language, Partial<Record<Intent, string>>> = {
  es: {
    greeting: '¡Hola! ¿En qué podemos ayudarle? Si desea una cotización, cuéntenos destino, fechas y cuántas personas viajan.',
    booking: '¿Nos indica el código de su reserva para revisarla?',
    itinerary_info: '¿Sobre qué tour desea información? Le enviamos el itinerario y lo que incluye.',
    support: '¿Nos cuenta qué pasó y su código de reserva? Un asesor le atenderá.',
    payment: '¿Nos indica su código de reserva y el medio de pago para revisarlo?',
    cancellation: '¿Nos indica el código de la reserva que desea cancelar?',
    general: 'Con gusto le ayudamos. ¿Desea también una cotización para su viaje?',
  },
  en: {
    greeting: 'Hello! How can we help? For a quotation, tell us the destination, dates and how many people are travelling.',
    booking: 'Could you give us your booking reference so we can look at it?',
    itinerary_info: 'Which tour would you like details about? We will send its itinerary and what it includes.',
    support: 'Could you tell us what happened and your booking reference? An agent will help you.',
    payment: 'Could you give us your booking reference and how you paid, so we can check it?',
    cancellation: 'Could you give us the reference of the booking you want to cancel?',
    general: 'Happy to help. Would you also like a quotation for your trip?',
  },
};

const APOLOGY: Record<Language, string> = {
  es: 'Lamentamos mucho las molestias. ',
  en: 'We are very sorry for the trouble. ',
};

export function nextQuestion(intent: Intent, missing: readonly MissingField[], language: Language, tone: Tone): string {
  const core = intent === 'quotation_request' ? QUESTIONS[language][missing[0] ?? 'complete'] : OTHER_INTENTS[language][intent]!;
  return tone === 'negative' ? APOLOGY[language] + core : core;
}

/** The reply to a message in neither Spanish nor English (or with nothing readable): both languages, politely. */
export const OTHER_LANGUAGE_REPLY =
  'Disculpe, solo podemos atenderle en español o en inglés. ¿Nos escribe en uno de ellos? / Sorry, we can only help in Spanish or English. Could you write to us in one of them?';
