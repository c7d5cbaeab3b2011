import { test } from 'node:test';
import assert from 'node:assert/strict';
import { easterDay } from '../../platform/calendar/calendar-events.ts';
import { isoDay, parseIsoDay } from './calendar-holidays.ts';
import { resolveTravelDates } from './date-grammar.ts';

/** Today is Tuesday 10 March 2026 unless a case says otherwise. */
function dates(text: string, today = '2026-03-10'): [string | null, string | null] {
  const r = resolveTravelDates(text, parseIsoDay(today)!);
  return [r.date_from, r.date_to];
}

test('explicit dates and ranges, in both languages, with the year of their next occurrence', () => {
  assert.deepEqual(dates('del 15 al 20 de abril'), ['2026-04-15', '2026-04-20']);
  assert.deepEqual(dates('from 3 to 7 June'), ['2026-06-03', '2026-06-07']);
  assert.deepEqual(dates('between 5 and 9 October'), ['2026-10-05', '2026-10-09']);
  assert.deepEqual(dates('June 3-7 please'), ['2026-06-03', '2026-06-07']);
  assert.deepEqual(dates('el 15 de mayo'), ['2026-05-15', null]);
  assert.deepEqual(dates('May 10th'), ['2026-05-10', null]);
  assert.deepEqual(dates('el 2 de marzo'), ['2027-03-02', null], 'already past this year: next year');
  assert.deepEqual(dates('el 15 de mayo de 2028'), ['2028-05-15', null]);
  assert.deepEqual(dates('llegamos el 20/04'), ['2026-04-20', null], 'day first, as in Peru');
  assert.deepEqual(dates('2026-08-01'), ['2026-08-01', null]);
  assert.deepEqual(dates('on the 3rd of June'), ['2026-06-03', null], 'not all of June');
  assert.deepEqual(dates('from the 3rd to the 7th of June'), ['2026-06-03', '2026-06-07'], 'not the 3rd of April');
  assert.deepEqual(dates('from the 28th of December to the 3rd of January'), ['2026-12-28', '2027-01-03']);
  assert.deepEqual(dates('el primero de mayo'), ['2026-05-01', null], 'not all of May');
  assert.deepEqual(dates('el 30 de febrero'), [null, null], 'no such day, and not the next 30th either');
});

test('day-first numeric ranges keep their end', () => {
  assert.deepEqual(dates('from 12/03 to 18/03'), ['2026-03-12', '2026-03-18']);
  assert.deepEqual(dates('del 20/04 al 25/04'), ['2026-04-20', '2026-04-25']);
  assert.deepEqual(dates('28/12 - 03/01'), ['2026-12-28', '2027-01-03'], 'across the year end');
  assert.deepEqual(dates('del 12/05/2027 al 18/05/2027'), ['2027-05-12', '2027-05-18']);
  assert.deepEqual(dates('del 18/05/2027 al 12/05/2027'), [null, null], 'an end before its start is no range');
});

test('"dentro de 3 semanas", "we leave in two weeks", "10 days from now"; a tour "en 5 días" is a length', () => {
  assert.deepEqual(dates('dentro de 3 semanas'), ['2026-03-31', null]);
  assert.deepEqual(dates('we leave in two weeks'), ['2026-03-24', null]);
  assert.deepEqual(dates('queremos viajar en 10 días'), ['2026-03-20', null]);
  assert.deepEqual(dates('10 days from now'), ['2026-03-20', null]);
  assert.deepEqual(dates('dentro de 2 meses'), ['2026-05-10', null]);
  assert.deepEqual(dates('dentro de 1 mes', '2026-01-31'), ['2026-02-28', null], 'the month\'s last day when it is shorter');
  assert.deepEqual(dates('Cusco en 5 días'), [null, null]);
});

test('May the month, not the verb', () => {
  assert.deepEqual(dates('in May'), ['2026-05-01', '2026-05-31']);
  assert.deepEqual(dates('early May'), ['2026-05-01', '2026-05-10']);
  assert.deepEqual(dates('May 2027'), ['2027-05-01', '2027-05-31']);
  assert.deepEqual(dates('you may come along'), [null, null]);
});

test('ranges across the year end', () => {
  assert.deepEqual(dates('del 28 de diciembre al 2 de enero'), ['2026-12-28', '2027-01-02']);
  assert.deepEqual(dates('Dec 28 to Jan 3'), ['2026-12-28', '2027-01-03']);
});

test('weekdays, tomorrow, weekends, next week and next month', () => {
  assert.deepEqual(dates('el viernes'), ['2026-03-13', null]);
  assert.deepEqual(dates('on Tuesday'), ['2026-03-17', null], 'today is Tuesday: the next one');
  assert.deepEqual(dates('mañana'), ['2026-03-11', null]);
  assert.deepEqual(dates('salimos en la mañana'), [null, null], '"la mañana" is the morning');
  assert.deepEqual(dates('este fin de semana'), ['2026-03-14', '2026-03-15']);
  assert.deepEqual(dates('next weekend', '2026-03-14'), ['2026-03-21', '2026-03-22'], 'on a Saturday, the following one');
  assert.deepEqual(dates('la próxima semana'), ['2026-03-16', '2026-03-22']);
  assert.deepEqual(dates('next month'), ['2026-04-01', '2026-04-30']);
  assert.deepEqual(dates('el mes que viene', '2026-12-05'), ['2027-01-01', '2027-01-31']);
  assert.deepEqual(dates('atienden los domingos?'), [null, null], 'a habit, not a date');
});

test('a day number alone and a month alone take their next occurrence', () => {
  assert.deepEqual(dates('el 20'), ['2026-03-20', null]);
  assert.deepEqual(dates('el 5'), ['2026-04-05', null]);
  assert.deepEqual(dates('on the 31st', '2026-04-10'), ['2026-05-31', null], 'April has no 31st');
  assert.deepEqual(dates('en julio'), ['2026-07-01', '2026-07-31']);
  assert.deepEqual(dates('in February'), ['2027-02-01', '2027-02-28']);
  assert.deepEqual(dates('en marzo'), ['2026-03-10', '2026-03-31'], 'the current month from today, not from its first day, which has passed');
  assert.deepEqual(dates('for the 2 of us'), [null, null]);
});

test('a return date said after the departure ends the trip, and a week is seven days', () => {
  // Found by a review: the return was ignored.
  assert.deepEqual(dates('Queremos ir a Cusco el 3 de abril, regreso el 10 de abril, somos 4'), ['2026-04-03', '2026-04-10']);
  assert.deepEqual(dates('leaving April 3rd, returning on April 12'), ['2026-04-03', '2026-04-12']);
  assert.deepEqual(dates('el 15 de julio por una semana'), ['2026-07-15', '2026-07-21']);
  assert.deepEqual(dates('from July 15 for two weeks'), ['2026-07-15', '2026-07-28']);
  // A later date that is not a return stays out: only the trip's start is known.
  assert.deepEqual(dates('el 3 de abril, y pagamos el 10 de abril'), ['2026-04-03', null]);
  assert.deepEqual(dates('salimos el 3 de abril; la oferta vale hasta el 20 de abril?'), ['2026-04-03', null]);
  assert.deepEqual(dates('el 3 de abril, vuelta el 2 de septiembre'), ['2026-04-03', null], 'no trip of five months');
  // Two parts of months joined: from the first's start to the second's end.
  assert.deepEqual(dates('early April to late April'), ['2026-04-01', '2026-04-30']);
  assert.deepEqual(dates('from the end of May to mid June'), ['2026-05-21', '2026-06-20']);
});

test('early, mid and late in a month are its thirds, not the whole month from the 1st', () => {
  // "a fines de marzo" was quoted as a departure on 1 March.
  assert.deepEqual(dates('Queremos cotizar Cusco a fines de marzo, somos 4', '2026-12-07'), ['2027-03-21', '2027-03-31']);
  assert.deepEqual(dates('a finales de abril'), ['2026-04-21', '2026-04-30']);
  assert.deepEqual(dates('mid-July'), ['2026-07-11', '2026-07-20']);
  assert.deepEqual(dates('a mediados de julio'), ['2026-07-11', '2026-07-20']);
  assert.deepEqual(dates('early August'), ['2026-08-01', '2026-08-10']);
  assert.deepEqual(dates('a principios de agosto'), ['2026-08-01', '2026-08-10']);
  assert.deepEqual(dates('late February'), ['2027-02-21', '2027-02-28']);
  assert.deepEqual(dates('late May'), ['2026-05-21', '2026-05-31']);
  // This month's third that has begun starts today; one that is over is next year's (late February, above).
  assert.deepEqual(dates('a mediados de marzo'), ['2026-03-11', '2026-03-20']);
  assert.deepEqual(dates('early March'), ['2026-03-10', '2026-03-10']);
});

test('holidays of the calendar', () => {
  assert.equal(isoDay(easterDay(2026)), '2026-04-05');
  assert.equal(isoDay(easterDay(2027)), '2027-03-28');
  assert.deepEqual(dates('en semana santa'), ['2026-03-29', '2026-04-05'], 'Palm Sunday to Easter Sunday');
  assert.deepEqual(dates('para semana santa', '2026-04-20'), ['2027-03-21', '2027-03-28'], 'this year’s is over: next year’s');
  assert.deepEqual(dates('fiestas patrias'), ['2026-07-28', '2026-07-29']);
  assert.deepEqual(dates('for Inti Raymi'), ['2026-06-24', null]);
  assert.deepEqual(dates('en navidad'), ['2026-12-25', null]);
});

test('"N nights from D" ends at D+N, "N days from D" at D+N−1, in words too', () => {
  assert.deepEqual(dates('4 nights from May 10'), ['2026-05-10', '2026-05-14']);
  assert.deepEqual(dates('5 días desde el 20 de mayo'), ['2026-05-20', '2026-05-24']);
  assert.deepEqual(dates('tres noches desde el 12 de abril'), ['2026-04-12', '2026-04-15']);
  assert.deepEqual(dates('del 10 de agosto por 4 noches'), ['2026-08-10', '2026-08-14']);
});

test('vague seasons stay empty, and dates of paying or cancelling are not travel dates', () => {
  assert.deepEqual(dates('hace frío en invierno?'), [null, null]);
  assert.deepEqual(dates('in the rainy season'), [null, null]);
  assert.deepEqual(dates('ya pagué el 50% el 3 de marzo'), [null, null]);
  assert.deepEqual(dates('cancelé el tour el 2 de marzo'), [null, null]);
  assert.deepEqual(dates('I paid on May 2 for the trip on June 10'), ['2026-06-10', null]);
  assert.deepEqual(dates('necesito cancelar mi tour de mañana'), ['2026-03-11', null], 'cancelling is not past tense: the tour date stays');
});

test('words that look like dates are not, and a year written once belongs to the whole range (found by a review)', () => {
  // "mar" is the sea before a count, and a number of nights or stars is not a day.
  assert.deepEqual(dates('Cotización Paracas con vista al mar 2 noches para 2'), [null, null]);
  assert.deepEqual(dates('hotel frente al mar 3 estrellas en Mancora'), [null, null]);
  assert.deepEqual(dates('el 2 de mar'), ['2027-03-02', null], 'after its day it is still March');
  assert.deepEqual(dates('Dec 28 to Jan 3'), ['2026-12-28', '2027-01-03']);
  // Day first with dashes, as with slashes.
  assert.deepEqual(dates('cusco para 2 el 15-07-2027'), ['2027-07-15', null]);
  // The year after the end is the end's: the start falls in the year before when it comes later in the calendar.
  assert.deepEqual(dates('del 28 de diciembre al 3 de enero de 2028'), ['2027-12-28', '2028-01-03']);
  assert.deepEqual(dates('from December 28 to January 3, 2028'), ['2027-12-28', '2028-01-03']);
  assert.deepEqual(dates('del 28/12 al 03/01/2028'), ['2027-12-28', '2028-01-03']);
  assert.deepEqual(dates('del 15 al 20 de abril de 2027'), ['2027-04-15', '2027-04-20']);
  // Within one month the start comes first: not a trip of almost a year.
  assert.notDeepEqual(dates('cusco del 10 al 5 de agosto para 2')[1], '2027-08-05');
  assert.equal(dates('cusco del 10 al 5 de agosto para 2')[1], null);
  // A holiday with its year.
  assert.deepEqual(dates('En navidad del 2027 queremos ir a cusco', '2026-12-07')[0], '2027-12-25');
});
