import type { FastifyInstance } from 'fastify';

/**
 * The API's tests talk to it over real HTTP on a random port, as a client would (headers, body limits, keep-alive
 * included), not through fastify's inject.
 */
export interface TestResponse<T = any> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

export interface HttpClient {
  base: string;
  call<T = any>(method: string, path: string, options?: { key?: string; token?: string; body?: unknown; rawBody?: string; headers?: Record<string, string> }): Promise<TestResponse<T>>;
}

export async function listen(app: FastifyInstance): Promise<HttpClient> {
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  if (!address || typeof address === 'string') throw new Error('the app is not listening on a TCP port');
  const base = `http://127.0.0.1:${address.port}`;
  return {
    base,
    async call(method, path, options = {}) {
      const headers: Record<string, string> = { ...options.headers };
      if (options.key) headers['x-api-key'] = options.key;
      if (options.token) headers.authorization = `Bearer ${options.token}`;
      let body: string | undefined = options.rawBody;
      if (options.body !== undefined) {
        body = JSON.stringify(options.body);
        headers['content-type'] ??= 'application/json';
      }
      const response = await fetch(base + path, { method, headers, body });
      const text = await response.text();
      let parsed: unknown = text;
      try {
        parsed = JSON.parse(text);
      } catch {
        // Not JSON (metrics, docs): the text is the body.
      }
      return { status: response.status, headers: response.headers, body: parsed as any, text };
    },
  };
}
