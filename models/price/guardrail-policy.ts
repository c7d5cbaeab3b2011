import { InputError } from '../../platform/errors.ts';
import type { GuardrailRule } from './guardrails.ts';

/**
 * Which guardrail rule holds for a quotation. Rules are scoped to a destination, a service level, both, or
 * neither (the default); the most specific applies: destination and level, then destination, then level, then
 * the default — the same order as the review desk's auto-accept bands, so managers learn one rule.
 *
 * A policy is one version of the whole rule set. It is immutable: an edit makes a new version, and a suggestion
 * records the version and the rule it was held to, so what a manager saw can always be shown again.
 */
export interface ScopedGuardrailRule extends GuardrailRule {
  /** Identity of this revision of the rule (the set's version counter at the time it was written). */
  id: number;
  /** 1, 2, 3… per scope. */
  revision: number;
  destinationId: number | null;
  serviceLevel: string | null;
}

function scopeKey(destinationId: number | null, serviceLevel: string | null): string {
  return `${destinationId ?? '*'}|${serviceLevel ?? '*'}`;
}

export function describeScope(rule: Pick<ScopedGuardrailRule, 'destinationId' | 'serviceLevel'>): string {
  if (rule.destinationId === null && rule.serviceLevel === null) return 'default (every destination, every level)';
  const parts = [rule.destinationId === null ? 'every destination' : `destination ${rule.destinationId}`, rule.serviceLevel === null ? 'every level' : `${rule.serviceLevel} service`];
  return parts.join(', ');
}

export class GuardrailPolicy {
  private readonly byScope = new Map<string, ScopedGuardrailRule>();

  /**
   * @param version the rule set's version: the newest rule id it holds
   * @param rules the rules in force, one per scope; one of them must be the default
   */
  constructor(
    readonly version: number,
    readonly rules: readonly ScopedGuardrailRule[],
  ) {
    for (const rule of rules) {
      const key = scopeKey(rule.destinationId, rule.serviceLevel);
      if (this.byScope.has(key)) throw new InputError(`two guardrail rules for one scope (${describeScope(rule)})`, 'rules');
      this.byScope.set(key, rule);
    }
    if (!this.byScope.has(scopeKey(null, null))) {
      throw new InputError('the guardrail rules have no default (every destination, every level): a quotation outside every scope would go unguarded', 'rules');
    }
  }

  /** The rule for a quotation of this destination and level; unknown ones (null) fall through to broader scopes. */
  ruleFor(destinationId: number | null, serviceLevel: string | null): ScopedGuardrailRule {
    return (
      (destinationId !== null && serviceLevel !== null ? this.byScope.get(scopeKey(destinationId, serviceLevel)) : undefined) ??
      (destinationId !== null ? this.byScope.get(scopeKey(destinationId, null)) : undefined) ??
      (serviceLevel !== null ? this.byScope.get(scopeKey(null, serviceLevel)) : undefined) ??
      this.byScope.get(scopeKey(null, null))!
    );
  }
}
