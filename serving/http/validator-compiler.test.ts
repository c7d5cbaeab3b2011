import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Type, type TSchema } from 'typebox';
import { numberFromText, validatorCompiler } from './validator-compiler.ts';

const validator = (schema: TSchema, httpPart: string) => validatorCompiler({ schema, httpPart, url: '/x', method: 'GET' } as never) as (value: unknown) => { value?: unknown; error?: unknown };

const Query = Type.Object(
  {
    k: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
    budget: Type.Optional(Type.Number({ exclusiveMinimum: 0 })),
    from: Type.Optional(Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' })),
    granularity: Type.Optional(Type.Union([Type.Literal('day'), Type.Literal('week')])),
    exact: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

describe('parameter validation', () => {
  const query = validator(Query, 'querystring');

  it('converts decimal numerals, true/false and leaves text as text', () => {
    assert.deepEqual(query({ k: '12', budget: '1500.5', from: '2027-01-02', granularity: 'week', exact: 'true' }).value, { k: 12, budget: 1500.5, from: '2027-01-02', granularity: 'week', exact: true });
    assert.deepEqual(query({ budget: '1e3' }).value, { budget: 1000 });
    assert.deepEqual(query({}).value, {});
  });

  it('refuses what TypeBox would have turned into some other number', () => {
    // Value.Convert: '' → 0, '0x10' → 16, 'true' → 1 and an integer '2.9' → 2, each silently.
    for (const k of ['2.9', '', '0x10', 'true', ' 12', '12abc', 'Infinity']) assert.ok(query({ k }).error, `k=${JSON.stringify(k)} is refused`);
    for (const exact of ['1', 'yes', '']) assert.ok(query({ exact }).error, `exact=${JSON.stringify(exact)} is refused`);
    assert.ok(query({ granularity: 'month' }).error);
    assert.ok(query({ k: ['1', '2'] }).error, 'a repeated parameter is refused, not one of its values taken');
    assert.ok(query({ unknown: '1' }).error);
  });

  it('refuses a moment JavaScript cannot read, such as a leap second', () => {
    const moment = validator(Type.Object({ since: Type.String({ format: 'date-time' }) }), 'querystring');
    assert.deepEqual(moment({ since: '2026-06-30T23:59:59Z' }).value, { since: '2026-06-30T23:59:59Z' });
    assert.ok(moment({ since: '2026-06-30T23:59:60Z' }).error, 'a leap second is refused, not read as an invalid date');
  });

  it('keeps bodies as sent: JSON has types', () => {
    const body = validator(Type.Object({ partySize: Type.Integer() }), 'body');
    assert.deepEqual(body({ partySize: 3 }).value, { partySize: 3 });
    assert.ok(body({ partySize: '3' }).error);
  });

  it('falls back to TypeBox for parameters that are not flat scalars', () => {
    const nested = validator(Type.Object({ ids: Type.Array(Type.Integer()) }), 'querystring');
    assert.deepEqual(nested({ ids: ['1', '2'] }).value, { ids: [1, 2] });
  });

  it('reads numerals only', () => {
    assert.equal(numberFromText('-4', true), -4);
    assert.equal(numberFromText('007', true), 7);
    assert.equal(numberFromText('4.0', true), 4);
    assert.equal(numberFromText('4.5', true), '4.5');
    assert.equal(numberFromText('4.5', false), 4.5);
    assert.equal(numberFromText('NaN', false), 'NaN');
  });
});

describe('dates', () => {
  it('refuses year 0000, which PostgreSQL has not, in dates and moments', () => {
    const query = validator(Type.Object({ day: Type.Optional(Type.String({ format: 'date' })), at: Type.Optional(Type.String({ format: 'date-time' })) }, { additionalProperties: false }), 'querystring');
    assert.ok(query({ day: '0000-01-01' }).error);
    assert.ok(query({ at: '0000-06-01T00:00:00Z' }).error);
    assert.deepEqual(query({ day: '0001-01-01', at: '2026-12-07T10:00:00Z' }).value, { day: '0001-01-01', at: '2026-12-07T10:00:00Z' });
    assert.ok(query({ day: '2026-02-30' }).error, 'the format check itself still applies');
  });
});
