import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InputError } from '../../platform/errors.ts';
import { describeScope, GuardrailPolicy, type ScopedGuardrailRule } from './guardrail-policy.ts';

const rule = (id: number, destinationId: number | null, serviceLevel: string | null, minMargin: number): ScopedGuardrailRule => ({ id, revision: 1, destinationId, serviceLevel, minMargin });

const policy = new GuardrailPolicy(9, [rule(1, null, null, 0.1), rule(4, 7, null, 0.2), rule(6, null, 'luxury', 0.3), rule(9, 7, 'luxury', 0.4)]);

test('the most specific rule applies: destination and level, destination, level, default', () => {
  assert.equal(policy.ruleFor(7, 'luxury').id, 9);
  assert.equal(policy.ruleFor(7, 'standard').id, 4);
  assert.equal(policy.ruleFor(3, 'luxury').id, 6);
  assert.equal(policy.ruleFor(3, 'standard').id, 1);
  assert.equal(policy.ruleFor(null, null).id, 1, 'an itinerary of unknown scope gets the default');
  assert.equal(policy.ruleFor(null, 'luxury').id, 6);
});

test('a rule set needs a default and one rule per scope', () => {
  assert.throws(() => new GuardrailPolicy(2, [rule(2, 7, null, 0.2)]), (e: unknown) => e instanceof InputError && /no default/.test(e.message));
  assert.throws(() => new GuardrailPolicy(3, [rule(1, null, null, 0.1), rule(2, 7, null, 0.2), rule(3, 7, null, 0.3)]), /two guardrail rules for one scope/);
});

test('scopes read as people say them', () => {
  assert.equal(describeScope({ destinationId: null, serviceLevel: null }), 'default (every destination, every level)');
  assert.equal(describeScope({ destinationId: 7, serviceLevel: 'luxury' }), 'destination 7, luxury service');
});
