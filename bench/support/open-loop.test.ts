import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, describe, it } from 'node:test';
import { encodeRequest, openLoop, readAnswers } from './open-loop.ts';

/**
 * A real HTTP server: /ok answers 200, /missing 404, /reset drops the connection, /stall blocks its event loop for
 * 200 ms once, at its 150th call (after the warm-up), /hang never answers.
 */
let server: http.Server;
let url: string;
let stallCalls = 0;
const seenBodies: string[] = [];

before(async () => {
  server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      if (body) seenBodies.push(body);
      if (req.url === '/reset') return req.socket.destroy();
      if (req.url === '/hang') return;
      if (req.url === '/stall' && ++stallCalls === 150) {
        const until = Date.now() + 200;
        while (Date.now() < until);
      }
      res.writeHead(req.url === '/missing' ? 404 : 200, { 'content-type': 'application/json', 'content-length': 11 });
      res.end('{"ok":true}');
    });
  });
  server.keepAliveTimeout = 10_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
after(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('open-loop load generator', () => {
  it('sends every request at the rate, counts answers by status, and sends bodies as given', async () => {
    const result = await openLoop({
      url,
      rate: 400,
      seconds: 1,
      warmupSeconds: 0.25,
      requests: [{ method: 'GET', path: '/ok' }, { method: 'POST', path: '/missing', headers: { 'content-type': 'application/json' }, body: '{"a":"ü"}' }],
    });
    assert.equal(result.measured, 400);
    assert.equal(result.errors, 0);
    // Errors and non-2xx answers count over the whole run, warm-up included: 500 sent, every other one a 404.
    assert.equal(result.non2xx, 250);
    assert.ok(result.achievedRate > 300 && result.achievedRate < 500, `achieved ${result.achievedRate}/s at 400/s`);
    assert.ok(result.p50Ms < 50, `p50 ${result.p50Ms} ms for a route that does nothing`);
    assert.ok(seenBodies.includes('{"a":"ü"}'), 'the body arrives intact (its length in bytes, not characters)');
  });

  it('measures from when a request was due, so a stall counts for every request it held up', async () => {
    const result = await openLoop({ url, rate: 500, seconds: 1, warmupSeconds: 0.2, requests: [{ method: 'GET', path: '/ok' }, { method: 'GET', path: '/stall' }] });
    assert.equal(result.errors, 0);
    assert.ok(result.maxMs >= 190, `max ${result.maxMs} ms after a 200 ms stall`);
    // At 500/s a 200 ms stall holds up ~100 requests of 500 measured: the p90 sees it, the p50 does not.
    assert.ok(result.p90Ms >= 20, `p90 ${result.p90Ms} ms`);
    assert.ok(result.p50Ms < 150, `p50 ${result.p50Ms} ms`);
  });

  it('counts dropped connections as errors and still finishes', async () => {
    const result = await openLoop({ url, rate: 200, seconds: 0.5, warmupSeconds: 0, requests: [{ method: 'GET', path: '/ok' }, { method: 'GET', path: '/reset' }] });
    assert.equal(result.measured, 100);
    assert.equal(result.errors, 50);
    assert.equal(result.non2xx, 0);
  });

  it('gives up on a request unanswered for timeoutMs, says why, and reports every request as it settles', async () => {
    const settled: Array<{ index: number; status: number; cause?: string; ms: number }> = [];
    const startAt = performance.now() + 50;
    const result = await openLoop({
      url,
      rate: 100,
      seconds: 0.3,
      warmupSeconds: 0,
      timeoutMs: 200,
      startAt,
      requests: [{ method: 'GET', path: '/ok' }, { method: 'GET', path: '/hang' }, { method: 'GET', path: '/reset' }],
      onSettled: (index, ms, status, cause) => settled.push({ index, status, cause, ms }),
    });
    assert.equal(result.measured, 30);
    assert.deepEqual(settled.map((s) => s.index).sort((a, b) => a - b), Array.from({ length: 30 }, (_, i) => i), 'each request settles once');
    for (const s of settled) {
      const expected = [{ status: 200 }, { status: 0, cause: 'timeout' }, { status: 0, cause: 'closed' }][s.index % 3];
      assert.equal(s.status, expected.status, `request ${s.index}`);
      if (expected.cause) assert.equal(s.cause, expected.cause, `request ${s.index}`);
    }
    const hung = settled.filter((s) => s.cause === 'timeout');
    assert.ok(hung.every((s) => s.ms >= 200 && s.ms < 1000), `timed out after ${hung.map((s) => s.ms.toFixed(0)).join(', ')} ms`);
    assert.ok(settled.every((s) => s.ms >= 0), 'nothing went out before it was due (startAt)');
  });

  it('reads answers split across reads and several in one read', () => {
    const answer = (status: number, body: string) => `HTTP/1.1 ${status} X\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
    const bytes = Buffer.from(answer(200, '{"a":1}') + answer(503, 'ñ') + answer(201, ''));
    const statuses: number[] = [];
    let rest: Buffer | null = null;
    for (let i = 0; i < bytes.length; i += 7) {
      const chunk = bytes.subarray(i, i + 7);
      rest = readAnswers(rest ? Buffer.concat([rest, chunk]) : chunk, (s) => statuses.push(s));
    }
    assert.deepEqual(statuses, [200, 503, 201]);
    assert.equal(rest, null);
    assert.throws(() => readAnswers(Buffer.from('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n'), () => undefined), /Content-Length/);
  });

  it('encodes a request with its host and byte length', () => {
    const wire = encodeRequest(new URL('http://127.0.0.1:9'), { method: 'POST', path: '/p?q=1', headers: { 'x-api-key': 'k' }, body: 'é' }).toString('utf8');
    assert.equal(wire, 'POST /p?q=1 HTTP/1.1\r\nhost: 127.0.0.1:9\r\nx-api-key: k\r\ncontent-length: 2\r\n\r\né');
  });
});
