import { InputError } from '../../../platform/errors.ts';
import type { RunParameter } from '../../../models/families.ts';
import { ALIASES, isAlias } from '../../../models/registry/aliases.ts';
import { formatVersion, parseVersion } from '../../../models/registry/version-id.ts';
import type { StepContext } from '../../step.ts';

/**
 * A step's sizes and switches from ctx.params, with the default a small world needs; a bad value is refused with
 * the parameter's name rather than trained on.
 */
export function intParam(ctx: Pick<StepContext, 'params'>, name: string, fallback: number, min: number, max: number): number {
  const raw = ctx.params[name];
  if (raw === undefined) return fallback;
  const value = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : raw;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new InputError(`parameter ${name} must be a whole number from ${min} to ${max}, got ${JSON.stringify(raw)}`, name);
  }
  return value;
}

export function numberParam(ctx: Pick<StepContext, 'params'>, name: string, fallback: number, min: number, max: number): number {
  const raw = ctx.params[name];
  if (raw === undefined) return fallback;
  const value = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : raw;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    throw new InputError(`parameter ${name} must be a number from ${min} to ${max}, got ${JSON.stringify(raw)}`, name);
  }
  return value;
}

export function boolParam(ctx: Pick<StepContext, 'params'>, name: string, fallback: boolean): boolean {
  const raw = ctx.params[name];
  if (raw === undefined) return fallback;
  if (raw === true || raw === 'true' || raw === 1) return true;
  if (raw === false || raw === 'false' || raw === 0) return false;
  throw new InputError(`parameter ${name} must be true or false, got ${JSON.stringify(raw)}`, name);
}

export function stringParam(ctx: Pick<StepContext, 'params'>, name: string): string | undefined {
  const raw = ctx.params[name];
  if (raw === undefined) return undefined;
  if (typeof raw !== 'string' || raw.trim() === '') throw new InputError(`parameter ${name} must be a non-empty string, got ${JSON.stringify(raw)}`, name);
  return raw.trim();
}

export function dateParam(ctx: Pick<StepContext, 'params'>, name: string): Date | undefined {
  const raw = stringParam(ctx, name);
  if (raw === undefined) return undefined;
  const date = new Date(/^\d{4}-\d{2}-\d{2}$/.test(raw) ? `${raw}T00:00:00Z` : raw);
  if (Number.isNaN(date.getTime())) throw new InputError(`parameter ${name} must be a date (YYYY-MM-DD or ISO 8601), got ${JSON.stringify(raw)}`, name);
  return date;
}

/** Training seed: `seed` of the run, 0 by default. */
export function seedParam(ctx: Pick<StepContext, 'params'>): number {
  return intParam(ctx, 'seed', 0, 0, 2 ** 31 - 1);
}

export function choiceParam<T extends string>(ctx: Pick<StepContext, 'params'>, name: string, choices: readonly T[], fallback: T): T {
  const raw = ctx.params[name];
  if (raw === undefined) return fallback;
  if (typeof raw !== 'string' || !choices.includes(raw as T)) throw new InputError(`parameter ${name} must be one of ${choices.join(', ')}, got ${JSON.stringify(raw)}`, name);
  return raw as T;
}

type RunValue<P extends RunParameter> = P extends { kind: 'int' | 'number' } ? number : P extends { kind: 'boolean' } ? boolean : P extends { kind: 'choice'; choices: readonly (infer C)[] } ? C : string | undefined;

/** A family's run parameter as models/families.ts declares it (default, range, choices). */
export function runParam<const P extends RunParameter>(ctx: Pick<StepContext, 'params'>, p: P): RunValue<P> {
  switch (p.kind) {
    case 'int':
      return intParam(ctx, p.name, p.default, p.min, p.max) as RunValue<P>;
    case 'number':
      return numberParam(ctx, p.name, p.default, p.min, p.max) as RunValue<P>;
    case 'boolean':
      return boolParam(ctx, p.name, p.default) as RunValue<P>;
    case 'choice':
      return choiceParam(ctx, p.name, p.choices, p.default) as RunValue<P>;
    case 'version': {
      // Checked here, before any step runs: the step that reads it may come after hours of others.
      const value = stringParam(ctx, p.name);
      if (value !== undefined && !isAlias(value) && parseVersion(value)?.family !== p.family) {
        throw new InputError(`parameter ${p.name} must be a ${p.family} version (${formatVersion(p.family, 1)}) or an alias (${ALIASES.join(', ')}), got "${value}"`, p.name);
      }
      return value as RunValue<P>;
    }
  }
}

/** How much worse than the champion a version may be and still replace it (evaluate); absent: each family's rule. */
export function promotionToleranceParam(ctx: Pick<StepContext, 'params'>): number | undefined {
  return ctx.params.promotionTolerance === undefined ? undefined : numberParam(ctx, 'promotionTolerance', 0, 0, 0.99);
}

/** The ingest reads every table again from the start instead of from its watermark. */
export function fullIngestParam(ctx: Pick<StepContext, 'params'>): boolean {
  return boolParam(ctx, 'fullIngest', false);
}
