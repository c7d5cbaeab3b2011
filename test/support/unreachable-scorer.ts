import net from 'node:net';
import { mulberry32 } from '../../platform/random.ts';
import { ScoringClient } from '../../domain/quotations/scoring-client.ts';

/** A port nothing listens on: taken from the OS, then released. */
export async function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

/** The real client aimed at an API that is down, with no retries: quotations fall back to cost-plus at once. */
export async function unreachableScorer(): Promise<ScoringClient> {
  return new ScoringClient({ baseUrl: `http://127.0.0.1:${await closedPort()}`, apiKey: 'spk_unused', rng: mulberry32(1), policy: { retries: 0, timeoutMs: 500 } });
}
