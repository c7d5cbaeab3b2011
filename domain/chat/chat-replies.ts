import type { StatedBudget } from './budget-fit.ts';

/**
 * What the conversation says back, in the customer's language, from what the whole session knows (the
 * understander's own question only sees one message): the first missing piece of the quote request, or the
 * quotation made, or why none could be made yet, and how the proposals stand against a stated budget. An apology
 * first when the customer is upset.
 */
export type Language = 'es' | 'en';
export type MissingField = 'destination' | 'dates' | 'party_size';

const QUESTIONS: Record<Language, Record<MissingField, string>> = {
  es: {
    destination: '¿A qué destino le gustaría viajar? Por ejemplo Cusco y Machu Picchu, el Valle Sagrado o el Lago Titicaca.',
    dates: '¿En qué fechas piensa viajar?',
    party_size: '¿Cuántas personas viajan, contando a los niños?',
  },
  en: {
    destination: 'Which destination would you like to visit? For example Cusco & Machu Picchu, the Sacred Valley or Lake Titicaca.',
    dates: 'Which dates are you thinking of travelling?',
    party_size: 'How many people are travelling, children included?',
  },
};

const APOLOGY: Record<Language, string> = { es: 'Lamentamos mucho las molestias. ', en: 'We are very sorry for the trouble. ' };

export function missingOf(context: { destinationCode: string | null; date_from: string | null; party_size: number | null }): MissingField[] {
  const missing: MissingField[] = [];
  if (!context.destinationCode) missing.push('destination');
  if (!context.date_from) missing.push('dates');
  if (!context.party_size) missing.push('party_size');
  return missing;
}

export function askFor(field: MissingField, language: Language): string {
  return QUESTIONS[language][field];
}

export function withTone(text: string, language: Language, tone: string): string {
  return tone === 'negative' ? APOLOGY[language] + text : text;
}

function money(amount: number, currency: string, language: Language): string {
  return new Intl.NumberFormat(language === 'es' ? 'es-PE' : 'en-US', { style: 'currency', currency, maximumFractionDigits: 0 }).format(amount);
}

export function quotedReply(q: { quotationId: number; itineraryName: string; priceTotal: number; currency: string; partySize: number; departureDate: string }, others: string[], language: Language): string {
  const price = money(q.priceTotal, q.currency, language);
  const also = others.length === 0 ? '' : language === 'es' ? ` También podemos ofrecerle: ${others.join('; ')}.` : ` We can also offer: ${others.join('; ')}.`;
  return language === 'es'
    ? `Le proponemos "${q.itineraryName}" desde el ${q.departureDate} para ${q.partySize} ${q.partySize === 1 ? 'persona' : 'personas'}: ${price} en total (cotización N.º ${q.quotationId}).${also}`
    : `We suggest "${q.itineraryName}" from ${q.departureDate} for ${q.partySize} ${q.partySize === 1 ? 'traveller' : 'travellers'}: ${price} in total (quotation no. ${q.quotationId}).${also}`;
}

export function proposalsWithoutCustomer(names: string[], language: Language): string {
  return language === 'es'
    ? `Para estas fechas le proponemos: ${names.join('; ')}. Un asesor le enviará la cotización en cuanto tengamos sus datos de contacto.`
    : `For these dates we suggest: ${names.join('; ')}. An agent will send you the quotation as soon as we have your contact details.`;
}

export function nothingToOffer(destination: string, language: Language): string {
  return language === 'es'
    ? `Por ahora no tenemos un programa de ${destination} que podamos cotizar en línea; un asesor le escribirá con una propuesta a medida.`
    : `We have no ${destination} programme we can quote online right now; an agent will write to you with a tailor-made proposal.`;
}

/** A departure already past (a date written with last year's year): asked again, never quoted. */
export function pastDateReply(date: string, language: Language): string {
  return language === 'es' ? `El ${date} ya pasó. ¿En qué fechas piensa viajar?` : `${date} has already passed. Which dates are you thinking of travelling?`;
}

/** The budget in words that say which figure it was compared with: per person, or the total for the party. */
function statedBudget(budget: StatedBudget, partySize: number, language: Language): string {
  const amount = money(budget.amount, budget.currency, language);
  if (budget.per === 'person') return language === 'es' ? `${amount} por persona` : `${amount} per person`;
  return language === 'es' ? `${amount} en total para ${partySize} ${partySize === 1 ? 'persona' : 'personas'}` : `${amount} in total for ${partySize} ${partySize === 1 ? 'traveller' : 'travellers'}`;
}

/** Nothing fits: said before anything is proposed, with the least expensive figure so the customer can weigh it. */
export function noBudgetFit(destination: string, budget: StatedBudget, partySize: number, cheapest: { name: string; figure: number; currency: string } | null, language: Language): string {
  const stated = statedBudget(budget, partySize, language);
  const basis = budget.per === 'person' ? (language === 'es' ? 'por persona' : 'per person') : language === 'es' ? 'en total' : 'in total';
  const least = cheapest ? money(cheapest.figure, cheapest.currency, language) : null;
  return language === 'es'
    ? `Ninguno de nuestros programas de ${destination} entra en su presupuesto de ${stated}${cheapest ? `; el más económico, "${cheapest.name}", cuesta ${least} ${basis}` : ''}.`
    : `None of our ${destination} programmes fits your budget of ${stated}${cheapest ? `; the least expensive, "${cheapest.name}", costs ${least} ${basis}` : ''}.`;
}

/** The quotation made, against the budget: by its own price, which may differ from the list price it was ranked by. */
export function quotedAgainstBudget(within: boolean, budget: StatedBudget, partySize: number, language: Language): string {
  const stated = statedBudget(budget, partySize, language);
  if (language === 'es') return within ? `Está dentro de su presupuesto de ${stated}.` : `Supera su presupuesto de ${stated}.`;
  return within ? `It is within your budget of ${stated}.` : `It is over your budget of ${stated}.`;
}

/** Proposals without a quotation (no customer yet): which of them fit. */
export function proposalsWithinBudget(count: number, budget: StatedBudget, partySize: number, language: Language): string {
  const stated = statedBudget(budget, partySize, language);
  if (language === 'es') return count === 1 ? `El primero entra en su presupuesto de ${stated}.` : `Los ${count} primeros entran en su presupuesto de ${stated}.`;
  return count === 1 ? `The first one fits your budget of ${stated}.` : `The first ${count} fit your budget of ${stated}.`;
}

/** No exchange-rate table: a budget in another currency is left to an agent rather than converted by guess. */
export function budgetNotComparable(budget: StatedBudget, priceCurrency: string, language: Language): string {
  return language === 'es'
    ? `Nuestros precios están en ${priceCurrency}; no podemos compararlos con su presupuesto en ${budget.currency}, un asesor lo revisará con usted.`
    : `Our prices are in ${priceCurrency}; we cannot compare them with your budget in ${budget.currency}, an agent will go over it with you.`;
}
