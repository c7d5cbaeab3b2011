import { InputError } from '../../platform/errors.ts';
import type { BusinessRules } from './business-rules.ts';
import type { ItineraryRecommender } from './recommender.ts';

/**
 * The top itineraries of every known customer, as rows for the `recommendations` table in ClickHouse, yielded in
 * chunks so a writer can insert while scoring goes on and memory stays flat at 100,000 customers.
 * Between chunks the event loop gets a turn, so the API keeps answering while a batch runs in the same process.
 */
export interface RecommendationRow {
  userId: string;
  /** 1 for the best. */
  rank: number;
  itemId: string;
  score: number;
}

export interface BatchOptions {
  k?: number;
  chunkSize?: number;
  /** Rules that hold for everyone (a campaign's include list, a service level); per-customer ones need `recommend`. */
  rules?: BusinessRules;
}

export async function* scoreAllCustomers(model: ItineraryRecommender, options: BatchOptions = {}): AsyncGenerator<RecommendationRow[]> {
  const k = options.k ?? 50;
  const chunkSize = options.chunkSize ?? 1000;
  if (!Number.isInteger(chunkSize) || chunkSize < 1) throw new InputError(`chunkSize must be a whole number ≥ 1, got ${chunkSize}`, 'chunkSize');
  const ids = model.itemIds;
  const scores = new Float32Array(ids.length);
  let chunk: RecommendationRow[] = [];
  let customers = 0;
  for (const userId of model.customerIds) {
    const { top } = model.rank(userId, k, options.rules, undefined, scores);
    top.forEach((i, r) => chunk.push({ userId, rank: r + 1, itemId: ids[i], score: scores[i] }));
    if (++customers % chunkSize === 0) {
      yield chunk;
      chunk = [];
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
  if (chunk.length > 0) yield chunk;
}
