import type { SegmentName } from './segments.ts';

/**
 * The behaviour of customers once quoted, as parameters the ground truth records: whether a request converts,
 * when bookings are cancelled, how they are paid, and how trips are rated. "fitZ" is the customer's fit to the
 * itinerary (preferences · factors) as a z-score over the whole catalogue for that customer.
 */
export const CONVERSION = {
  /** P(book the best option) = σ(intercept + fit · fitZ − priceSensitivity · price · (ln(price/cost) − referenceMarkup)). */
  intercept: -0.75,
  fit: 0.6,
  price: 4,
  referenceMarkup: 0.36,
  /** Share of quotations not taken that the customer declines outright; the rest expire. */
  declinedShare: 0.3,
};

export const CANCELLATION = {
  /** P(cancel) = σ(intercept + lead · ln(leadDays / 60) + segment offset), decided when the booking is made. */
  intercept: -2.15,
  lead: 0.45,
  segment: { budget_backpackers: 0.3, culture_families: 0, luxury_couples: -0.1, adventure_groups: 0.1, senior_culture: -0.2, corporate_incentive: 0.35 } as Record<SegmentName, number>,
  reasons: ['change of plans', 'illness in the family', 'flight cancelled', 'found a cheaper offer', 'visa not granted', 'work commitments'],
  corporateReasons: ['event postponed', 'budget cut', 'change of plans'],
  /** Share of what was paid that is refunded, by days left before departure when cancelling. */
  refund: [
    { minDaysBefore: 60, share: 0.9 },
    { minDaysBefore: 30, share: 0.5 },
  ],
};

export const PAYMENT = {
  /** Bookings made closer than this to departure pay in full at once; others pay a deposit then the balance. */
  fullPaymentWithinDays: 45,
  depositShare: 0.3,
  /** The balance falls due this many days before departure (plus up to 10). */
  balanceDueDays: 45,
  depositFailure: 0.04,
  retryFailure: 0.25,
  balanceFailure: 0.03,
};

export const RATING = {
  /** P(rate a completed trip) = σ(intercept + fit · fitZ). */
  rateIntercept: -0.85,
  rateFit: 0.4,
  /** score = round(intercept + fit · fitZ + quality · itinerary quality + N(0, noiseSd²)), clamped to 1..5. */
  intercept: 3.35,
  fit: 0.55,
  quality: 1,
  noiseSd: 0.6,
  meanDelayDays: 4,
};

export const RATING_COMMENTS: Record<number, readonly string[]> = {
  5: ['Unforgettable trip, our guide was outstanding.', 'Everything was perfectly organised.', 'Exceeded our expectations — we will be back!', 'Best holiday we have had.'],
  4: ['Very good trip, a couple of long drives.', 'Great guide, the hotel could be better.', 'Lovely itinerary, slightly rushed on day two.'],
  3: ['Fine, but not quite what we expected.', 'Good sights, average organisation.', 'The altitude made it hard; itinerary was OK.'],
  2: ['Too much time on the bus.', 'Hotel was below the standard we paid for.', 'Pick-ups were late twice.'],
  1: ['Disappointing: tour did not match the description.', 'Poor organisation, we missed an excursion.'],
};
