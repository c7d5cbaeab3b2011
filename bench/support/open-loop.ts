import http from 'node:http';

/**
 * A constant-rate, open-loop load generator (the model of wrk2): request i is due at start + i/rate whether or not
 * earlier ones have answered, and its latency is measured from when it was due, not from when it could be sent.
 * A server that stalls therefore pays for every request that should have gone out meanwhile — the latency a
 * caller arriving at that rate would see.
 *
 * Why not autocannon's `overallRate`: it lets each connection send its quota for the second back to back at the
 * start of the second (bursts of the whole rate at once), and its coordinated-omission correction assumes one
 * request per millisecond per connection, so one slow answer of R ms is recorded as R answers. Both distort the
 * tail at a fixed rate; autocannon stays the tool for closed-loop maximum throughput.
 */
export interface LoadRequest {
  method: 'GET' | 'POST';
  path: string;
  headers?: Record<string, string>;
  body?: string;
}

export interface OpenLoopOptions {
  /** e.g. http://127.0.0.1:8080 */
  url: string;
  /** Requests per second. */
  rate: number;
  seconds: number;
  /** Sent in turn, round robin. */
  requests: readonly LoadRequest[];
  /** Requests sent in the first second are not measured (connections opening, JIT). Default 1. */
  warmupSeconds?: number;
  /** Keep-alive connections, like a caller's pool (default 64): a request waits for a free one when all are busy, and that wait counts. */
  maxSockets?: number;
}

export interface OpenLoopResult {
  rate: number;
  /** Completed requests per second over the measured part. */
  achievedRate: number;
  measured: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  p999Ms: number;
  maxMs: number;
  errors: number;
  non2xx: number;
  /** Connections opened: how much concurrency the server's latency demanded at this rate. */
  sockets: number;
}

function percentile(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
}

const round2 = (x: number) => Math.round(x * 100) / 100;

export async function openLoop(options: OpenLoopOptions): Promise<OpenLoopResult> {
  const { rate, seconds, requests } = options;
  if (!(rate > 0) || !(seconds > 0) || requests.length === 0) throw new Error('openLoop needs a positive rate and duration and at least one request');
  const warmup = options.warmupSeconds ?? 1;
  const target = new URL(options.url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: options.maxSockets ?? 64 });
  let sockets = 0;
  const total = Math.round(rate * (warmup + seconds));
  const measuredFrom = Math.round(rate * warmup);
  const latencies = new Float64Array(total - measuredFrom);
  let measured = 0;
  let errors = 0;
  let non2xx = 0;
  let done = 0;
  let firstMeasuredAt = 0;
  let lastMeasuredAt = 0;
  const bodies = requests.map((r) => (r.body === undefined ? undefined : Buffer.from(r.body)));

  const start = performance.now();
  const intervalMs = 1000 / rate;
  let next = 0;

  return new Promise<OpenLoopResult>((resolve) => {
    const finish = () => {
      agent.destroy();
      const sorted = latencies.subarray(0, measured).sort();
      const span = (lastMeasuredAt - firstMeasuredAt) / 1000;
      resolve({
        rate,
        achievedRate: Math.round(span > 0 ? measured / span : 0),
        measured,
        p50Ms: round2(percentile(sorted, 0.5)),
        p90Ms: round2(percentile(sorted, 0.9)),
        p99Ms: round2(percentile(sorted, 0.99)),
        p999Ms: round2(percentile(sorted, 0.999)),
        maxMs: round2(sorted.length ? sorted[sorted.length - 1] : NaN),
        errors,
        non2xx,
        sockets,
      });
    };
    const settle = (index: number, due: number, ok: boolean, status: number) => {
      const now = performance.now();
      if (!ok) errors++;
      else if (status < 200 || status >= 300) non2xx++;
      if (index >= measuredFrom) {
        if (firstMeasuredAt === 0) firstMeasuredAt = now;
        lastMeasuredAt = now;
        latencies[measured++] = now - due;
      }
      if (++done === total) finish();
    };
    const send = (index: number) => {
      const due = start + index * intervalMs;
      const spec = requests[index % requests.length];
      const body = bodies[index % requests.length];
      const req = http.request(
        { host: target.hostname, port: target.port, method: spec.method, path: spec.path, agent, headers: body ? { ...spec.headers, 'content-length': body.length } : spec.headers },
        (res) => {
          res.on('data', () => undefined);
          res.on('end', () => settle(index, due, true, res.statusCode ?? 0));
          res.on('error', () => settle(index, due, false, 0));
        },
      );
      req.on('socket', (socket) => {
        if (!(socket as { counted?: boolean }).counted) {
          (socket as { counted?: boolean }).counted = true;
          sockets++;
        }
      });
      req.on('error', () => settle(index, due, false, 0));
      req.end(body);
    };
    // Wake about every millisecond and send whatever has fallen due: the schedule, not the timer, sets the rate.
    const tick = () => {
      const elapsed = performance.now() - start;
      while (next < total && next * intervalMs <= elapsed) send(next++);
      if (next < total) setTimeout(tick, 1);
    };
    tick();
  });
}
