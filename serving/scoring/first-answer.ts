/**
 * The first of several reads of one fact to answer within `waitMs` — the warehouse's, still in flight, and the
 * booking system's it copies — or undefined when none did. A read that fails, or resolves to undefined (no answer
 * it can give), drops out: a store that is away never fails a request while the other answers, and a slow one
 * never holds it up once the other has. `null` is an answer ("no such customer").
 */
export async function firstAnswer<T>(reads: ReadonlyArray<Promise<T | undefined>>, waitMs: number): Promise<{ value: T } | undefined> {
  if (reads.length === 0) return undefined;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), waitMs);
  });
  const answered = Promise.any(reads.map((read) => read.then((value) => (value === undefined ? Promise.reject(new Error('no answer')) : { value })))).catch(() => undefined);
  try {
    return await Promise.race([answered, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
