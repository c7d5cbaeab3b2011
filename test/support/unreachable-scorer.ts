import { mulberry32 } from '../../platform/random.ts';
import { ScoringClient } from '../../domain/quotations/scoring-client.ts';
import { freePort } from './free-port.ts';

/** The real client aimed at an API that is down, with no retries: quotations fall back to cost-plus at once. */
export async function unreachableScorer(): Promise<ScoringClient> {
  return new ScoringClient({ baseUrl: `http://127.0.0.1:${await freePort()}`, apiKey: 'spk_unused', rng: mulberry32(1), policy: { retries: 0, timeoutMs: 500 } });
}
