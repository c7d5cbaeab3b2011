/**
 * The held-out time window every training step scores its model on, against its baselines: the `months` whole
 * calendar months before the month of `asOf`. Models for the score are trained on what was known before the
 * window; the registered model is then refitted on everything.
 *
 * Whole months, so that every nightly run of a month scores on the same window and the registry's rule (compare
 * only on the same holdout) can compare them with the champion; the days of the current month are used for
 * training only. The id names the family, the window and whatever else fixes the rows (e.g. a sample's seed).
 */
export interface HoldoutWindow {
  from: Date;
  to: Date;
  id: string;
}

export function holdoutWindow(family: string, asOf: Date, months: number, extra = ''): HoldoutWindow {
  const to = new Date(Date.UTC(asOf.getUTCFullYear(), asOf.getUTCMonth(), 1));
  const from = new Date(Date.UTC(to.getUTCFullYear(), to.getUTCMonth() - months, 1));
  const day = (d: Date) => d.toISOString().slice(0, 10);
  return { from, to, id: `${family}:${day(from)}..${day(to)}${extra ? `:${extra}` : ''}` };
}

/** What may differ between two holdouts of one kind as time goes on: dates and months, and the catalogue's digest. */
const MOVING = /\d{4}-\d{2}(?:-\d{2})?|catalogue-[0-9a-f]+/g;

/**
 * Whether a candidate's holdout is the champion's moved on in time: the same kind of holdout (family, sample, seed,
 * options: everything but its dates and the catalogue's digest) whose dates are not earlier. Only then may a
 * version whose score cannot be compared with the champion's replace it by beating its own baseline; a holdout of
 * another kind (another seed, another population) or an older window (a backfill) leaves the decision to a person.
 */
export function holdoutMovedOn(candidate: string | undefined, champion: string | undefined): boolean {
  if (candidate === undefined || champion === undefined || candidate === champion) return false;
  const skeleton = (id: string) => id.replace(MOVING, (token) => (token.startsWith('catalogue-') ? 'catalogue-#' : '#'));
  if (skeleton(candidate) !== skeleton(champion)) return false;
  const dates = (id: string) => (id.match(MOVING) ?? []).filter((token) => !token.startsWith('catalogue-'));
  const [mine, theirs] = [dates(candidate), dates(champion)];
  return mine.every((date, i) => date >= theirs[i]) && sameLengths(candidate, champion);
}

/**
 * Windows (`from..to`) of the same length in months: a shorter window ending on the same day is not the champion's
 * moved on but a smaller holdout, whose score says less (fewer customers, fewer quotations).
 */
function sameLengths(candidate: string, champion: string): boolean {
  const months = (id: string) => [...id.matchAll(/(\d{4})-(\d{2})(?:-\d{2})?\.\.(\d{4})-(\d{2})/g)].map(([, fy, fm, ty, tm]) => (Number(ty) - Number(fy)) * 12 + Number(tm) - Number(fm));
  const [mine, theirs] = [months(candidate), months(champion)];
  return mine.length === theirs.length && mine.every((m, i) => m === theirs[i]);
}
