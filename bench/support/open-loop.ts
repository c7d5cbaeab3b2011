import net from 'node:net';

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
 *
 * Like wrk2, it writes requests encoded once in advance on plain keep-alive sockets and reads only the status line
 * and Content-Length of each answer. On two cores the generator shares the machine with the API it measures, so
 * its own cost is part of every figure: Node's http client cost 0.050 ms of CPU per request, this 0.023 ms
 * (5,000 GET/s against the bare route, two runs each, same minute).
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
  /** A request unanswered this long after it was written gets no answer: its connection is closed (default: none). */
  timeoutMs?: number;
  /** When request 0 is due, on this thread's performance.now() clock (default: now); a caller in another thread aligns its clock with this. */
  startAt?: number;
  /**
   * Every request as it settles, warm-up included: its latency from when it was due, its status, and for one with
   * no answer (status 0) why: the connection's error code, `closed` or `timeout`.
   */
  onSettled?: (index: number, latencyMs: number, status: number, cause?: string) => void;
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
  /** Requests without an answer: refused or reset connections, answers that could not be read. */
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
const HEAD_END = Buffer.from('\r\n\r\n');
const CONTENT_LENGTH = /\r\ncontent-length: *(\d+)/i;

/** One request on the wire: request line, headers (with Host and Content-Length) and body. */
export function encodeRequest(target: URL, request: LoadRequest): Buffer {
  const body = request.body === undefined ? undefined : Buffer.from(request.body);
  const headers: Record<string, string> = { host: target.host, ...request.headers };
  if (body) headers['content-length'] = String(body.length);
  const head = `${request.method} ${request.path} HTTP/1.1\r\n${Object.entries(headers)
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join('')}\r\n`;
  return body ? Buffer.concat([Buffer.from(head, 'latin1'), body]) : Buffer.from(head, 'latin1');
}

/**
 * Reads whole answers off the front of what a connection received: the status of each, and what is left over.
 * Only Content-Length framing is read (what fastify sends); a chunked answer is an error, reported as such.
 */
export function readAnswers(received: Buffer, onAnswer: (status: number) => void): Buffer | null {
  let rest: Buffer | null = received;
  while (rest) {
    const end: number = rest.indexOf(HEAD_END);
    if (end < 0) break;
    const head = rest.toString('latin1', 0, end);
    const length = CONTENT_LENGTH.exec(head);
    if (!length) throw new Error(`open loop: an answer without Content-Length (${head.split('\r\n')[0]}); only Content-Length framing is read`);
    const size: number = end + HEAD_END.length + Number(length[1]);
    if (rest.length < size) break;
    onAnswer(Number(head.slice(9, 12)));
    rest = rest.length > size ? rest.subarray(size) : null;
  }
  return rest;
}

interface Connection {
  socket: net.Socket;
  /** The request it is waiting on, -1 when idle. */
  inFlight: number;
  /** performance.now() when that request was written. */
  writtenAt: number;
  received: Buffer | null;
  /** Closes the connection; the request it waits on, if any, settles without an answer, for this cause. */
  drop: (cause: string) => void;
}

export async function openLoop(options: OpenLoopOptions): Promise<OpenLoopResult> {
  const { rate, seconds, requests } = options;
  if (!(rate > 0) || !(seconds > 0) || requests.length === 0) throw new Error('openLoop needs a positive rate and duration and at least one request');
  const warmup = options.warmupSeconds ?? 1;
  const maxSockets = options.maxSockets ?? 64;
  const target = new URL(options.url);
  const wire = requests.map((request) => encodeRequest(target, request));
  const total = Math.round(rate * (warmup + seconds));
  const measuredFrom = Math.round(rate * warmup);
  const latencies = new Float64Array(total - measuredFrom);
  let measured = 0;
  let errors = 0;
  let non2xx = 0;
  let done = 0;
  let firstMeasuredAt = 0;
  let lastMeasuredAt = 0;
  let sockets = 0;
  const open = new Set<Connection>();
  const idle: Connection[] = [];
  // Due requests waiting for a free connection, oldest first.
  const queue: number[] = [];
  let queueHead = 0;

  const start = options.startAt ?? performance.now();
  const { timeoutMs, onSettled } = options;
  const intervalMs = 1000 / rate;
  let next = 0;

  return new Promise<OpenLoopResult>((resolve) => {
    const finish = () => {
      for (const connection of open) connection.socket.destroy();
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
    const settle = (index: number, status: number | undefined, cause?: string) => {
      const now = performance.now();
      if (status === undefined) errors++;
      else if (status < 200 || status >= 300) non2xx++;
      onSettled?.(index, now - (start + index * intervalMs), status ?? 0, cause);
      if (index >= measuredFrom) {
        if (firstMeasuredAt === 0) firstMeasuredAt = now;
        lastMeasuredAt = now;
        latencies[measured++] = now - (start + index * intervalMs);
      }
      if (++done === total) finish();
    };
    const write = (connection: Connection, index: number) => {
      connection.inFlight = index;
      connection.writtenAt = performance.now();
      connection.socket.write(wire[index % wire.length]);
    };
    const nextFor = (connection: Connection) => {
      if (queueHead < queue.length) {
        write(connection, queue[queueHead++]);
        if (queueHead === queue.length) queue.length = queueHead = 0;
      } else {
        connection.inFlight = -1;
        idle.push(connection);
      }
    };
    const connect = (): Connection => {
      const connection: Connection = { socket: net.connect({ host: target.hostname, port: Number(target.port), noDelay: true }), inFlight: -1, writtenAt: 0, received: null, drop: () => undefined };
      sockets++;
      open.add(connection);
      const lost = (cause: string) => {
        if (!open.delete(connection)) return;
        connection.socket.destroy();
        const at = idle.indexOf(connection);
        if (at >= 0) idle.splice(at, 1);
        if (connection.inFlight >= 0) settle(connection.inFlight, undefined, cause);
        connection.inFlight = -1;
        // What was waiting goes out on a new connection rather than waiting for a send that will not come.
        if (queueHead < queue.length && done < total) nextFor(connect());
      };
      connection.socket.on('data', (chunk: Buffer) => {
        const received = connection.received ? Buffer.concat([connection.received, chunk]) : chunk;
        try {
          connection.received = readAnswers(received, (status) => {
            const index = connection.inFlight;
            settle(index, status);
            nextFor(connection);
          });
        } catch {
          lost('unreadable');
        }
      });
      connection.socket.on('error', (err: NodeJS.ErrnoException) => lost(err.code ?? 'error'));
      connection.socket.on('close', () => lost('closed'));
      connection.drop = lost;
      return connection;
    };
    const send = (index: number) => {
      const connection = idle.pop() ?? (open.size < maxSockets ? connect() : undefined);
      if (connection) write(connection, index);
      else queue.push(index);
    };
    // Wake about every millisecond and send whatever has fallen due: the schedule, not the timer, sets the rate.
    const tick = () => {
      const now = performance.now();
      while (next < total && next * intervalMs <= now - start) send(next++);
      if (timeoutMs !== undefined) {
        for (const connection of open) if (connection.inFlight >= 0 && now - connection.writtenAt > timeoutMs) connection.drop('timeout');
      }
      if (next < total) setTimeout(tick, Math.max(1, Math.min(1000, start - performance.now())));
      else if (timeoutMs !== undefined && done < total) setTimeout(tick, 100);
    };
    tick();
  });
}
