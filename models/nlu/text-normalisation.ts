/**
 * One normal form for every message before features and rules see it: accents stripped (customers often type
 * without them; the tilde of "ñ" goes too, since half the messages write "ano" for "año"), lowercased,
 * punctuation turned into spaces except the characters amounts and dates need ($ € £ / . , : -).
 */
export function stripAccents(text: string): string {
  return text.normalize('NFD').replace(/[\u0300-\u036f]/g, '');
}

export function normaliseText(text: string): string {
  return stripAccents(text)
    .toLowerCase()
    .replace(/[^a-z0-9$€£/.,:\-+%'\s]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Word tokens of a normalised text (letters and digits only). */
export function wordTokens(normalised: string): string[] {
  return normalised.split(/[^a-z0-9]+/).filter((w) => w.length > 0);
}
