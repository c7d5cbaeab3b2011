import type { Tone } from './intents.ts';
import { normaliseText } from './text-normalisation.ts';

/**
 * Positive / neutral / negative from a small lexicon in both languages, used to pick the reply's wording
 * (an apology first when negative). A complaint word outweighs politeness: "gracias, pero pésimo servicio" is
 * negative.
 */
const NEGATIVE = /\b(pesimo|pesima|terrible|horrible|malisimo|molesto|molesta|enojado|enojada|furioso|indignado|decepcionado|decepcionada|queja|reclamo|estafa|verguenza|inaceptable|nadie (?:me )?responde|grosero|grosera|sucio|nunca llego|no llego|worst|awful|angry|upset|disappointed|disappointing|unacceptable|scam|rude|complaint|dirty|never showed|nobody|furious|frustrated|ridiculous|horrible|smelled|urgent|urgente|ayuda)\b|!!+|😡|😠|😤/;
const POSITIVE = /\b(gracias|muchas gracias|genial|excelente|increible|encanto|encantados|feliz|felices|emocionados|emocionada|perfecto|maravilloso|super|buenisimo|thanks|thank you|great|amazing|awesome|love|loved|wonderful|perfect|excited|happy|fantastic|lovely|brilliant)\b|😊|😀|😍|🙏|❤|🥰/;

export function detectTone(text: string): Tone {
  const t = normaliseText(text);
  if (NEGATIVE.test(t) || /!!+|😡|😠|😤/.test(text)) return 'negative';
  if (POSITIVE.test(t) || /😊|😀|😍|🙏|❤|🥰/.test(text)) return 'positive';
  return 'neutral';
}
