import { NotFoundError } from '../../platform/errors.ts';

/**
 * The `champion` (served) and `challenger` (next in line) of one family, with the champions it replaced,
 * newest last, so `rollback` can step back more than once. Pure transitions; the registry persists them.
 */
export interface AliasState {
  champion: string | null;
  challenger: string | null;
  previousChampions: string[];
}

export const ALIASES = ['champion', 'challenger'] as const;
export type Alias = (typeof ALIASES)[number];

export const NO_ALIASES: AliasState = { champion: null, challenger: null, previousChampions: [] };

export function isAlias(name: string): name is Alias {
  return (ALIASES as readonly string[]).includes(name);
}

export function withChampion(state: AliasState, version: string): AliasState {
  if (state.champion === version) return state;
  return {
    champion: version,
    challenger: state.challenger === version ? null : state.challenger,
    previousChampions: state.champion === null ? state.previousChampions : [...state.previousChampions, state.champion],
  };
}

export function withChallenger(state: AliasState, version: string): AliasState {
  return { ...state, challenger: version };
}

/** Back to the champion before the current one; the current one loses its alias. */
export function rolledBack(state: AliasState, family: string): AliasState {
  const previous = state.previousChampions.at(-1);
  if (previous === undefined) throw new NotFoundError(`${family} has no previous champion to roll back to`, 'family');
  return { champion: previous, challenger: state.challenger === previous ? null : state.challenger, previousChampions: state.previousChampions.slice(0, -1) };
}
