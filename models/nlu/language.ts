import type { Language } from './intents.ts';
import { normaliseText, wordTokens } from './text-normalisation.ts';

/**
 * Spanish or English by counting each language's common words, and the words of a terse request ("Machu Picchu, 2
 * adults, July 15": months, people, nights); a tie goes to Spanish, the office's language.
 */
const ES = new Set('hola buenas buenos dias tardes noches que q de la el los las para por con mi mis quiero quisiera cuanto cuesta precio somos y en un una es esta estan me necesito hay como donde cuando gracias porfa favor tengo tenemos viaje ya no si pa reserva cotizar cotizacion al del se lo le nos tour incluye a sale kiero adultos adulto personas ninos ninas dias noches semanas enero febrero marzo mayo junio julio septiembre setiembre octubre noviembre diciembre lago'.split(' '));
const EN = new Set('hi hello hey good morning evening afternoon the a an and for to of in is are we i my our you your can could would how much what when where please pls thanks thank with need want looking do does it this next book booking price quote trip me us there any just have has be cancel from adults adult people persons kids children days nights weeks january february march may june july august september october november december lake'.split(' '));

export function detectLanguage(text: string): Language {
  let es = 0;
  let en = 0;
  for (const w of wordTokens(normaliseText(text))) {
    if (ES.has(w)) es++;
    if (EN.has(w)) en++;
  }
  return en > es ? 'en' : 'es';
}

/** Common words of French, Portuguese, German and Italian that Spanish and English do not use. */
const OTHER = new Set('je tu il nous vous est sont une les des avec pour bonjour merci voudrais suis voyage ich und der die das nicht ist mit fur guten tag danke bitte wir sind voce nao obrigado obrigada gostaria uma viagem sou ciao grazie vorrei sono questo della buongiorno quero minha meu julho junho janeiro fevereiro maio setembro outubro dezembro ola'.split(' '));

/**
 * Whether the message is in neither language: no Latin letters at all, or more French/Portuguese/German/Italian
 * words than Spanish and English ones. Such a message gets a polite "general" reply rather than a guess.
 */
export function isOtherLanguage(text: string): boolean {
  const words = wordTokens(normaliseText(text));
  if (!words.some((w) => /[a-z]/.test(w))) return true;
  let es = 0;
  let en = 0;
  let other = 0;
  for (const w of words) {
    if (ES.has(w)) es++;
    if (EN.has(w)) en++;
    if (OTHER.has(w)) other++;
  }
  return other >= 2 && other > es && other > en;
}
