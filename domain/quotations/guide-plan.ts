import { InputError } from '../../platform/errors.ts';

/**
 * Guide type by language. Local guides all speak Spanish and English; a group that wants its guide to speak
 * another language gets a guide from a smaller pool at a higher day rate. The rates are catalogue data
 * (table guide_language_rates), with an `other` row for languages not listed. Large groups need more guides.
 */
export type GuideLanguageRates = ReadonlyMap<string, number>;

export interface GuidePlan {
  guides: number;
  language: string;
  /** The multiplier applied to the catalogue's guide cost; 1 for Spanish and English. */
  rate: number;
  /** Which row of the rates table was used: the language itself or `other`. */
  rateOf: string;
}

export const DEFAULT_PAX_PER_GUIDE = 16;

export function planGuides(partySize: number, language: string, rates: GuideLanguageRates, paxPerGuide = DEFAULT_PAX_PER_GUIDE): GuidePlan {
  if (!/^[a-z]{2}$/.test(language)) throw new InputError(`language must be a two-letter ISO 639-1 code in lower case, got "${language}"`, 'language');
  if (!Number.isInteger(paxPerGuide) || paxPerGuide < 1) throw new InputError(`paxPerGuide must be a whole number of at least 1, got ${paxPerGuide}`, 'paxPerGuide');
  const own = rates.get(language);
  const other = rates.get('other');
  if (own === undefined && other === undefined) {
    throw new InputError(`no guide rate for language "${language}" and no "other" rate in guide_language_rates`, 'language');
  }
  return {
    guides: Math.ceil(partySize / paxPerGuide),
    language,
    rate: own ?? (other as number),
    rateOf: own === undefined ? 'other' : language,
  };
}
