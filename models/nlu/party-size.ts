import { numberValue, wholeNumber } from './number-words.ts';
import { normaliseText } from './text-normalisation.ts';

/**
 * How many people travel, children included. In order of trust:
 * 1. a stated total ("somos 4", "group of 10", "family of five", "for the 2 of us", "vamos los 5");
 * 2. counted groups added up ("2 adultos y 3 niños", "two couples" = 4, "3 amigos + yo" = 4);
 * 3. relatives named around the speaker ("mis papás y yo" = 3, "con mi esposa" = 2, "my wife and I" = 2) —
 *    only when the message says the speaker comes along, so "el viaje de mis papás" counts nobody;
 * 4. "just me", "viajo solo", "para una persona" = 1.
 * "una persona más" (one more on a booking) is a change, not the party, and "para una persona mayor" describes someone,
 * not how many travel: "para una persona" counts only where the phrase ends.
 */
// Whole: "somos treinta y dos alumnos" must not fall back to "somos treinta", which the exclusions after it let pass.
const N = wholeNumber('n');
const PEOPLE = '(?:personas?|people|persons?|pax|ppl|viajeros?|travell?ers?|adultos?|adults?|pasajeros?|passengers?|huespedes|guests)';
const CHILDREN = '(?:ninos?|ninas?|kids?|children|child|hijos?|hijas?|menores|bebes?|babies|baby|infants?|toddlers?|teenagers?|teens?|adolescentes?|chicos)';
const FRIENDS = '(?:amigos?|amigas?|friends?|alumnos?|estudiantes|students?|pupils?|colegas|colleagues|companeros|coworkers|trabajadores|employees|profesores|profesoras|docentes|teachers?|guias?|guides?|chaperones|acompanantes)';

// A group counted by kind after "somos N" is added up with the others, not taken as the total: "somos 20
// estudiantes y 2 profesores" is 22.
const GROUP_WORD = '(?:parejas|couples|adult|nin|kid|child|amig|friend|hij|alumn|student|estudiant|pupil|famil|colega|colleague|companer|coworker|trabajador|employee|profesor|docent|teacher)';
const TOTALS: RegExp[] = [
  new RegExp(`\\b(?:somos|seriamos|seremos|we are|we're|were|there are|there will be|quedamos en|vamos|viajamos|iremos)\\s+(?:los\\s+|las\\s+)?${N}\\b(?!\\s*(?:noches|nights|dias|days|semanas|weeks|mes|meses|months|horas|hours|%|${GROUP_WORD}))`),
  new RegExp(`\\b(?:grupo de|group of|familia de|family of|party of|team of)\\s+${N}\\b`),
  new RegExp(`\\b(?:the|los|las)\\s+${N}\\s+(?:of us|de nosotros|de nosotras)\\b`),
  new RegExp(`\\b(?:vamos|iremos|viajamos|seriamos)\\s+(?:los|las)\\s+${N}\\b`),
];
const FRIENDS_ONLY = new RegExp(`^${FRIENDS}$`);
const FAMILIES_OF = new RegExp(`\\b${N}\\s+(?:familias|families)\\s+(?:de|of)\\s+${wholeNumber('m')}\\b`);
/**
 * "4 of us would like to visit Cusco": the party, when nothing else counts it and the phrase goes on to the trip.
 * "two of us are vegetarian" is some of the party, not all of it.
 */
const N_OF_US = new RegExp(`\\b${N}\\s+of us\\s+(?:would like|want|wish|plan|are (?:planning|going|travell?ing)|will (?:travel|go)|travel|are interested)\\b`);
/** "22 personas en total", "in total 22 people": a total said as such, above any groups counted around it. */
const STATED_TOTAL = [
  new RegExp(`\\b${N}\\s+${PEOPLE}\\s+(?:en total|in total|total|all together|en todo)\\b`),
  new RegExp(`\\b(?:en total|in total|total of|un total de)\\s+(?:somos\\s+|we are\\s+)?${N}\\b`),
];
/** "somos 4 más la abuela", "we are 4 plus grandma": one more, a relative named after the total. */
const ONE_MORE_AFTER_TOTAL = /^\s*(?:personas?|people)?\s*(?:\+|mas|plus|y|and)\s+(?:la|el|mi|my|our|nuestra|nuestro|the)?\s*(?:abuela|abuelo|grandma|grandpa|grandmother|grandfather|suegra|suegro|tia|tio|aunt|uncle|bebe|baby|nana|nanny)\b/;
const MORE_AFTER_TOTAL = new RegExp(`^\\s*(?:${PEOPLE}|${CHILDREN}|${FRIENDS})?\\s*(?:\\+|mas|plus)\\s*${N}\\s*(?:${PEOPLE}|${CHILDREN}|${FRIENDS})\\b`);
const COUNTED = new RegExp(`\\b${N}\\s*(?:\\+\\s*)?(${PEOPLE}|${CHILDREN}|${FRIENDS}|parejas?|couples?(?!\\s+of\\b)|matrimonios?|familias|families)\\b(?!\\s*(?:mas|more|extra|adicional))`, 'g');
const FOR_N = new RegExp(`\\b(?:para|for|pa|x)\\s+${N}\\b(?!\\s*(?:noches|nights|night|dias|days|day|semanas|weeks|horas|hours|%|\\$|€|soles|dolares|dollars|euros|k\\b|mil|\\d|am|pm|de (?:${'enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|setiembre|octubre|noviembre|diciembre'})))`);
const COUPLE = /\b(?:una pareja|a couple|mi pareja y yo|my partner and i|honeymoon|luna de miel|newlyweds|recien casados)\b/;
const SOLO = /\b(?:solo yo|just me|only me|viajo solo|viajo sola|travell?ing alone|travell?ing solo|solo traveller|solo traveler|yo solo|yo sola|me alone|myself only|just myself|(?:para|for) (?:una|one) (?:sola )?(?:persona|person)(?=\s*$|\s*[,.;!?]|\s+(?:y|and|en|in|a|to|para|for|desde|from|del|el|the|por|de|on|al)\b))/;
const SPEAKER = new RegExp(`\\b(?:y yo|and i|and me|con mi|con mis|with my|with our|para mi y|me and|yo y|mi y)\\b|\\+\\s*yo\\b|\\b(?:con|with)\\s+${N}\\s+${FRIENDS}\\b`);
const RELATIVE_ONE = /\b(?:mi|my|our)\s+(?:esposa|esposo|novia|novio|pareja|mama|mami|madre|papa|papi|padre|hermano|hermana|hijo|hija|amigo|amiga|abuela|abuelo|suegra|suegro|tia|tio|primo|prima|wife|husband|girlfriend|boyfriend|partner|fiance|fiancee|mom|mum|dad|mother|father|son|daughter|brother|sister|friend|grandma|grandpa|grandmother|grandfather|aunt|uncle|cousin)\b/g;
const RELATIVE_PAIR = /\b(?:mis|my|our)\s+(?:papas|padres|parents|suegros|in-laws|abuelos|grandparents)\b/g;
const RELATIVE_COUNTED = new RegExp(`\\b(?:mis|my|our)\\s+${N}\\s+(?:hijos|hijas|ninos|kids|children|sons|daughters|hermanos|hermanas|brothers|sisters|amigos|amigas|friends|nietos|grandchildren)\\b`, 'g');

/** Words that are numbers only sometimes: "we're a family of five" is not a party of one. */
const ARTICLES = ['a', 'an', 'un', 'una', 'one', 'uno'];

function countOf(token: string): number | undefined {
  const n = numberValue(token);
  return n !== undefined && n >= 1 && n <= 200 ? n : undefined;
}

export function extractPartySize(text: string): number | null {
  const t = normaliseText(text);
  for (const total of STATED_TOTAL) {
    const stated = total.exec(t)?.groups?.n;
    const n = stated !== undefined && !ARTICLES.includes(stated) ? countOf(stated) : undefined;
    if (n) return n;
  }
  for (const total of TOTALS) {
    const m = total.exec(t);
    const n = m && !ARTICLES.includes(m[1]) ? countOf(m[1]) : undefined;
    // "somos 3 + 2 niños", "group of 15 students + 2 teachers": more people added right after the total.
    if (!n) continue;
    const rest = t.slice(m!.index + m![0].length);
    return n + (countOf(MORE_AFTER_TOTAL.exec(rest)?.[1] ?? '') ?? (ONE_MORE_AFTER_TOTAL.test(rest) ? 1 : 0));
  }
  let counted = 0;
  let friends = false;
  // "a child", "un niño": one more beside a group counted otherwise ("2 adults and a child" = 3), but alone
  // ("a person who…") rarely the party.
  let single = 0;
  COUNTED.lastIndex = 0;
  for (let m = COUNTED.exec(t); m; m = COUNTED.exec(t)) {
    const n = countOf(m[1]);
    if (!n) continue;
    // "one"/"uno" before a group word is a count ("one child"); "a"/"an"/"un"/"una" count with "couple" alone.
    if (ARTICLES.includes(m[1]) && m[1] !== 'one' && m[1] !== 'uno' && !/pareja|couple|matrimonio/.test(m[2])) {
      single += 1;
      continue;
    }
    // "mis 2 hijos" is a relative of the speaker's, counted below with the speaker.
    if (/\b(?:mis|my|our)\s*$/.test(t.slice(Math.max(0, m.index - 5), m.index))) continue;
    counted += /pareja|couple|matrimonio/.test(m[2]) ? 2 * n : n;
    if (FRIENDS_ONLY.test(m[2])) friends = true;
  }
  if (counted > 0) counted += single;
  // "somos 2 familias de 4": families of a stated size, all of them.
  const families = FAMILIES_OF.exec(t);
  const familyCount = families?.groups ? countOf(families.groups.n) : undefined;
  const familySize = families?.groups ? countOf(families.groups.m) : undefined;
  if (familyCount && familySize) return familyCount * familySize;
  let relatives = 0;
  if (SPEAKER.test(t)) {
    for (const _ of t.matchAll(RELATIVE_ONE)) relatives += 1;
    for (const _ of t.matchAll(RELATIVE_PAIR)) relatives += 2;
    for (const m of t.matchAll(RELATIVE_COUNTED)) relatives += countOf(m[1]) ?? 0;
  }
  if (relatives > 0) return counted + relatives + 1;
  if (counted > 0) return counted + (friends && SPEAKER.test(t) ? 1 : 0);
  const forN = FOR_N.exec(t);
  const n = forN && !ARTICLES.includes(forN[1]) ? countOf(forN[1]) : undefined;
  if (n) return n;
  const ofUs = N_OF_US.exec(t);
  const us = ofUs && !ARTICLES.includes(ofUs[1]) ? countOf(ofUs[1]) : undefined;
  if (us) return us;
  if (COUPLE.test(t)) return 2 + single;
  if (SOLO.test(t)) return 1;
  return null;
}
