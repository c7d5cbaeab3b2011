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
