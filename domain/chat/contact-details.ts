/**
 * Contact details and document numbers typed into a chat message, masked before the text is kept: a kept message
 * serves to see what customers ask (and is copied to the warehouse, where analysts read it), not to hold their
 * e-mail, phone or passport number, which the booking system keeps where consent and erasure apply to them.
 * Dates (15/07/2027, 2027-07-15) and amounts (1.500, 2 mil) are left as they are.
 */
/** An @ as people type it to slip past a filter, or from a phone's keyboard: ＠, (at), [at]. */
const AT = String.raw`(?:@|＠|\s?[(\[]\s?at\s?[)\]]\s?)`;
const DOT = String.raw`(?:\.|．|\s?[(\[]\s?dot\s?[)\]]\s?)`;
/**
 * The local part starts where a run of its characters starts (the lookbehind): tried from every character of a long
 * run with no @, the pattern took time quadratic in its length (a 10 KB message held the API about a second).
 */
const EMAIL = new RegExp(String.raw`(?<![\p{L}\p{N}._%+-])[\p{L}\p{N}._%+-]+${AT}[\p{L}\p{N}-]+(?:${DOT}[\p{L}\p{N}-]+)*${DOT}\p{L}{2,}`, 'giu');
/** Letters then digits (PE7788992, AB123456), or eight digits alone (a Peruvian DNI): a document's number. */
const DOCUMENT = /\b(?:\p{L}{1,3}\d{6,9}|\d{8})\b/gu;
/** Seven or more digits in one number, with spaces, dots or dashes between groups: a phone (a card from thirteen on). */
const PHONE = /(?<![\d/-])\+?\d(?:[ .-]?\d){6,18}(?![\d/])/g;

export function withoutContactDetails(text: string): string {
  return text
    .replace(EMAIL, '[email]')
    .replace(DOCUMENT, '[document]')
    .replace(PHONE, (match) => (isDateOrAmount(match) ? match : match.replace(/\D/g, '').length >= 13 ? '[card]' : '[phone]'));
}

/** 2027-07-15, 15-07-2027, 1.500.000: what a phone pattern would take and is not one. */
function isDateOrAmount(match: string): boolean {
  return /^\d{4}-\d{1,2}-\d{1,2}$|^\d{1,2}-\d{1,2}-\d{4}$|^\d{1,3}(?:\.\d{3})+$/.test(match.trim());
}
