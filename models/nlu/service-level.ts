import type { ServiceLevel } from './intents.ts';
import { normaliseText } from './text-normalisation.ts';

/** The service level a message asks for, from the words customers use; the first one mentioned wins. */
const LEVELS: Array<{ level: ServiceLevel; pattern: RegExp }> = [
  { level: 'luxury', pattern: /\b(de lujo|lujo|lujoso|lujosa|luxury|luxurious|5 estrellas|cinco estrellas|5[- ]?stars?|five[- ]stars?|premium|vip|alta gama|high[- ]end|top of the range)\b/g },
  { level: 'superior', pattern: /\b(superior|4 estrellas|cuatro estrellas|4[- ]?stars?|four[- ]stars?|intermedio|intermedia|mid[- ]?range|middle range|gama media|boutique|comfortable|comodo)\b/g },
  { level: 'standard', pattern: /\b(standard|estandar|economico|economica|economicos|barato|barata|lo mas barato|cheapest|cheap|budget[- ]friendly|on a budget|3 estrellas|tres estrellas|3[- ]?stars?|three[- ]stars?|basico|basica|mochilero|backpacker|low cost|affordable|sencillo)\b/g },
];

export function extractServiceLevel(text: string): ServiceLevel | null {
  const t = normaliseText(text);
  let best: { at: number; level: ServiceLevel } | null = null;
  for (const { level, pattern } of LEVELS) {
    pattern.lastIndex = 0;
    const m = pattern.exec(t);
    if (m && (!best || m.index < best.at)) best = { at: m.index, level };
  }
  return best?.level ?? null;
}
