import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { startAttackedApi, type AttackedApi } from './attacked-api.ts';

/**
 * Found in the security review: a client that sent its headers and one byte of a body, then trickled or went
 * silent, kept its connection for as long as it liked (still open after 420 s), with or without a credential,
 * because fastify's default turns Node's request time limit off. A request must now arrive whole within the limit
 * (API_REQUEST_TIMEOUT_SECONDS; one second here), or it is answered 408 and the connection closed.
 */
describe('slow clients', () => {
  let api: AttackedApi;
  before(async () => {
    api = await startAttackedApi('slow', { settings: { requestTimeoutMs: 1000 } });
  });
  after(async () => api?.close());

  /** Sends the headers of a body of 100 bytes and one byte of it, then nothing; resolves with what came back and when the socket closed. */
  function stall(headers: Record<string, string>): Promise<{ answer: string; closedAfterMs: number }> {
    const url = new URL(api.http.base);
    return new Promise((resolve, reject) => {
      const started = Date.now();
      let answer = '';
      const socket = net.connect(Number(url.port), url.hostname, () => {
        const lines = Object.entries({ host: url.host, 'content-type': 'application/json', 'content-length': '100', ...headers }).map(([k, v]) => `${k}: ${v}\r\n`);
        socket.write(`POST /v1/prices/suggest HTTP/1.1\r\n${lines.join('')}\r\n{`);
      });
      socket.setEncoding('utf8');
      socket.on('data', (chunk: string) => (answer += chunk));
      socket.on('error', () => undefined);
      socket.on('close', () => resolve({ answer, closedAfterMs: Date.now() - started }));
      // Far past the limit: the connection was left open, as before the fix.
      setTimeout(() => {
        socket.destroy();
        reject(new Error(`the connection was still open after 15 s; received: ${answer.slice(0, 200)}`));
      }, 15_000).unref();
    });
  }

  it('closes a connection whose body stops arriving, with a 408 in the API’s own shape', async () => {
    const { answer, closedAfterMs } = await stall({ 'x-api-key': api.keys['quotation-engine'] });
    assert.match(answer, /^HTTP\/1\.1 408/);
    assert.match(answer, /"code":"request_timeout"/);
    assert.ok(closedAfterMs >= 900, `not before the limit: ${closedAfterMs} ms`);
  });

  it('closes it too when the request has no credential and was already refused', async () => {
    const { answer } = await stall({});
    assert.match(answer, /^HTTP\/1\.1 401/, 'refused at once, before the body');
  });

  it('answers a URL the router cannot read in the API’s own shape, naming the URL', async () => {
    const bad = await api.http.call('GET', '/v1/itineraries/%C0%AF', { key: api.keys.analyst });
    assert.equal(bad.status, 400, bad.text);
    assert.deepEqual([bad.body.code, bad.body.field], ['bad_request', 'url']);
    assert.equal(typeof bad.body.message, 'string');
  });
});
