import v8 from 'node:v8';

/**
 * Turns off V8's allocation-site pretenuring for the rest of the process: every object is born in the young
 * generation, and only what survives two young collections moves to the old one.
 *
 * Why, for the API process: pretenuring allocates straight into the old generation from any site whose objects were
 * seen to live long — and during the API's warm-up, when feature lookups miss the cache and wait on ClickHouse, the
 * request path's closures and async state do live long. Judged long-lived then, they were allocated old on every
 * request after, as garbage only a full (mark-compact) collection reclaims. Measured with recommendation reads at
 * 5,000/s (two A/B pairs, serving/README.md#measured): the old generation grew 0.37-0.40 MB/s with pretenuring and
 * 0.22-0.23 MB/s without; each full collection's marking takes a core for some 300 ms on these two cores.
 *
 * V8 reads the flag at every collection, so setting it while running takes effect from the next one (sites already
 * judged keep their judgement until their code is recompiled). Not for batch jobs: there, long-lived allocation
 * sites are the common case pretenuring is for.
 */
export function disableAllocationSitePretenuring(): void {
  v8.setFlagsFromString('--no-allocation-site-pretenuring');
}
