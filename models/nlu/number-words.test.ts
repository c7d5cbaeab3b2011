import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NUMBER_PATTERN, NUMBER_WORDS_PATTERN, numberValue } from './number-words.ts';

/** What the pattern takes as one number at the start of a (normalised) text, and its value. */
function read(text: string): [string, number | undefined] | null {
  const m = new RegExp(`^${NUMBER_PATTERN}`).exec(text);
  return m ? [m[0], numberValue(m[0])] : null;
}

test('Spanish numbers in words, compounds included', () => {
  const cases: Array<[string, number]> = [
    ['uno', 1], ['una', 1], ['un', 1], ['cinco', 5], ['diez', 10], ['quince', 15], ['dieciseis', 16], ['diecinueve', 19],
    ['veinte', 20], ['veintiuno', 21], ['veintiun', 21], ['veintiuna', 21], ['veintidos', 22], ['veinticinco', 25],
    ['treinta', 30], ['treinta y dos', 32], ['noventa y nueve', 99], ['cien', 100], ['ciento', 100], ['ciento veinte', 120],
    ['ciento treinta y cinco', 135], ['doscientos', 200], ['doscientas', 200], ['quinientos', 500], ['setecientos cincuenta', 750],
    ['novecientos noventa y nueve', 999], ['mil', 1000], ['mil quinientos', 1500], ['dos mil', 2000], ['dos mil quinientos', 2500],
    ['tres mil quinientos', 3500], ['diez mil', 10_000], ['veintiun mil', 21_000], ['cien mil', 100_000], ['doscientos mil', 200_000],
    ['un millon', 1_000_000], ['dos millones', 2_000_000], ['un millon quinientos mil', 1_500_000],
  ];
  for (const [words, value] of cases) assert.deepEqual(read(words), [words, value], words);
});

test('English numbers in words: hyphens, hundreds counted by any number below a hundred, "and"', () => {
  const cases: Array<[string, number]> = [
    ['one', 1], ['five', 5], ['twelve', 12], ['nineteen', 19], ['twenty', 20], ['twenty-five', 25], ['twenty five', 25],
    ['ninety-nine', 99], ['a hundred', 100], ['one hundred', 100], ['two hundred and fifty', 250], ['fifteen hundred', 1500],
    ['twenty-five hundred', 2500], ['a thousand', 1000], ['two thousand', 2000], ['two thousand five hundred', 2500],
    ['three thousand and fifty', 3050], ['a million', 1_000_000],
  ];
  for (const [words, value] of cases) assert.deepEqual(read(words), [words, value], words);
});

test('one match is one number: two numbers side by side stay two, words that only begin like a number are none', () => {
  assert.deepEqual(read('dos y tres ninos'), ['dos', 2], 'only tens take "y"');
  assert.deepEqual(read('two and three kids'), ['two', 2], 'a unit takes no "and"');
  assert.deepEqual(read('cinco seis'), ['cinco', 5]);
  assert.deepEqual(read('mil gracias'), ['mil', 1000]);
  assert.deepEqual(read('treinta y'), ['treinta', 30], 'a "y" with nothing after is not part of the number');
  assert.deepEqual(read('a couple'), ['a', 1], 'an article is read as one; the caller judges');
  assert.equal(read('unos'), null);
  assert.equal(read('diezmo'), null);
  assert.equal(read('hundred dollars'), null, 'a hundred needs its count');
  assert.equal(new RegExp(`^${NUMBER_WORDS_PATTERN}$`).test('a'), false, 'the words pattern takes no bare article');
});

test('digits as before, and nothing for what is not a number', () => {
  assert.equal(numberValue('15'), 15);
  assert.equal(numberValue('persona'), undefined);
  assert.equal(numberValue(''), undefined);
});
