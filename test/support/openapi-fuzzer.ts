import { mulberry32, pick, randInt, type Rng } from '../../platform/random.ts';

/**
 * A fuzzer driven by the API's own OpenAPI document: for every operation it builds requests from the declared
 * schemas (path, query, body), then breaks them the ways careless and hostile callers do — wrong types, values
 * past each bound, ids past their column's range, huge and deeply nested bodies, NUL and invalid UTF-8, SQL and
 * path-traversal strings, unknown and prototype-polluting fields. Whatever route is added is fuzzed with no list
 * to keep up to date. Used by the malformed-request test (a sample) and the fuzz bench (10,000+ requests).
 */
type Schema = {
  type?: string | string[];
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  enum?: unknown[];
  const?: unknown;
  anyOf?: Schema[];
  oneOf?: Schema[];
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number | boolean;
  exclusiveMaximum?: number | boolean;
  minLength?: number;
  maxLength?: number;
  maxItems?: number;
  pattern?: string;
  format?: string;
  additionalProperties?: boolean | Schema;
};

interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header';
  required?: boolean;
  schema?: Schema;
}

interface Operation {
  parameters?: Parameter[];
  requestBody?: { content?: Record<string, { schema?: Schema }> };
}

export interface OpenApiDocument {
  paths: Record<string, Record<string, Operation>>;
}

export interface FuzzRequest {
  method: string;
  /** The route as documented, e.g. /v1/customers/{id}/recommendations. */
  route: string;
  path: string;
  rawBody?: string | Buffer;
  headers: Record<string, string>;
}

export interface FuzzOperation {
  method: string;
  route: string;
  operation: Operation;
}

/** Every operation of the document except the docs themselves. */
export function operationsOf(document: OpenApiDocument): FuzzOperation[] {
  const found: FuzzOperation[] = [];
  for (const [route, methods] of Object.entries(document.paths)) {
    if (route.startsWith('/docs')) continue;
    for (const [method, operation] of Object.entries(methods)) {
      if (!['get', 'post', 'put', 'delete', 'patch'].includes(method)) continue;
      found.push({ method: method.toUpperCase(), route, operation });
    }
  }
  return found;
}

const HOSTILE_TEXT = [
  '',
  ' ',
  "'; DROP TABLE bookings; --",
  "1' OR '1'='1",
  '{quotedAt:DateTime}',
  '../../../../etc/passwd',
  '..%2F..%2Fetc%2Fpasswd',
  '%00',
  'nul\u0000byte',
  'lone \ud800 surrogate',
  'ü🚀 ñandú Cañón',
  '<script>alert(1)</script>',
  '${jndi:ldap://x}',
  'x'.repeat(10_000),
  '\u202etxt.exe',
  'NaN',
  '-1',
  '1e309',
];

const HOSTILE_NUMBERS = [0, -1, -0.5, 0.5, 1.5, 2 ** 31, 2 ** 31 - 1, 2 ** 32, 2 ** 53 + 2, 1e308, -1e308, Number.MIN_VALUE];

/** A value that satisfies the schema as far as a simple generator can (the base every mutation starts from). */
export function validValue(rng: Rng, schema: Schema | undefined, depth = 0): unknown {
  if (!schema || depth > 6) return null;
  if (schema.const !== undefined) return schema.const;
  if (schema.enum) return pick(rng, schema.enum);
  const alternatives = schema.anyOf ?? schema.oneOf;
  if (alternatives) return validValue(rng, pick(rng, alternatives), depth + 1);
  const type = Array.isArray(schema.type) ? pick(rng, schema.type) : schema.type;
  switch (type) {
    case 'integer': {
      const min = typeof schema.minimum === 'number' ? schema.minimum : 1;
      const max = typeof schema.maximum === 'number' ? Math.min(schema.maximum, min + 50) : min + 50;
      return randInt(rng, Math.ceil(min), Math.floor(max));
    }
    case 'number': {
      const min = typeof schema.minimum === 'number' ? schema.minimum : typeof schema.exclusiveMinimum === 'number' ? schema.exclusiveMinimum + 1 : 1;
      const max = typeof schema.maximum === 'number' ? Math.min(schema.maximum, min + 5000) : min + 5000;
      return Math.round((min + rng() * (max - min)) * 100) / 100;
    }
    case 'boolean':
      return rng() < 0.5;
    case 'string':
      return validText(rng, schema);
    case 'array': {
      const n = randInt(rng, 1, Math.min(3, schema.maxItems ?? 3));
      return Array.from({ length: n }, () => validValue(rng, schema.items, depth + 1));
    }
    case 'object': {
      const object: Record<string, unknown> = {};
      for (const [name, property] of Object.entries(schema.properties ?? {})) {
        if ((schema.required ?? []).includes(name) || rng() < 0.5) object[name] = validValue(rng, property, depth + 1);
      }
      return object;
    }
    case 'null':
      return null;
    default:
      return 'x';
  }
}

function validText(rng: Rng, schema: Schema): string {
  const inFuture = (days: number) => new Date(Date.now() + days * 86_400_000);
  switch (schema.format) {
    case 'date':
      return inFuture(randInt(rng, 10, 300)).toISOString().slice(0, 10);
    case 'date-time':
      return inFuture(randInt(rng, -300, 300)).toISOString();
    default:
  }
  if (schema.pattern) {
    // The patterns of this API are simple: codes, ids, identifiers. A few known shapes, else something plain.
    if (schema.pattern.includes('[1-9]')) return String(randInt(rng, 1, 9999));
    if (schema.pattern.includes('a-z')) return pick(rng, ['cusco', 'puno', 'guardrail', 'api_key', 'lima']);
  }
  const min = schema.minLength ?? 1;
  return 'fuzz'.padEnd(Math.max(min, 4), 'z').slice(0, schema.maxLength ?? 200);
}

/** One broken version of a value of this schema. */
function brokenValue(rng: Rng, schema: Schema | undefined, depth = 0): unknown {
  const roll = rng();
  if (roll < 0.25) return pick(rng, HOSTILE_TEXT);
  if (roll < 0.5) {
    const bounds = [schema?.maximum, schema?.minimum].filter((b): b is number => typeof b === 'number');
    const near = bounds.flatMap((b) => [b + 1, b - 1, b + 0.5]);
    return pick(rng, [...HOSTILE_NUMBERS, ...near]);
  }
  if (roll < 0.6) return pick(rng, [null, true, false, [], {}, [1, 2, 3], { $gt: 1 }]);
  if (roll < 0.7) return deeplyNested(randInt(rng, 50, 400));
  if (roll < 0.75) return Array.from({ length: randInt(rng, 501, 2000) }, () => validValue(rng, schema?.items ?? schema, depth + 1));
  if (roll < 0.85 && schema?.type === 'object') {
    const object = (validValue(rng, schema, depth) ?? {}) as Record<string, unknown>;
    const keys = Object.keys(object);
    if (keys.length && rng() < 0.5) object[pick(rng, keys)] = brokenValue(rng, schema.properties?.[pick(rng, keys)], depth + 1);
    else object[pick(rng, ['__proto__', 'constructor', 'prototype', 'role', 'admin', 'x'.repeat(300), ''])] = pick(rng, [1, { admin: true }, 'admin']);
    return object;
  }
  return 'x'.repeat(randInt(rng, 1000, 200_000));
}

function deeplyNested(depth: number): unknown {
  let value: unknown = 1;
  for (let i = 0; i < depth; i++) value = { a: value };
  return value;
}

/** Replaces one property somewhere in a valid body with a broken value. */
function mutateBody(rng: Rng, body: unknown, schema: Schema | undefined): unknown {
  if (rng() < 0.3 || body === null || typeof body !== 'object' || Array.isArray(body)) return brokenValue(rng, schema);
  const copy = { ...(body as Record<string, unknown>) };
  const names = Object.keys(schema?.properties ?? {});
  if (names.length === 0) return brokenValue(rng, schema);
  const name = pick(rng, names);
  const property = schema?.properties?.[name];
  if (rng() < 0.2) delete copy[name];
  else if (property?.type === 'object' && copy[name] && rng() < 0.5) copy[name] = mutateBody(rng, copy[name], property);
  else if (property?.type === 'array' && Array.isArray(copy[name]) && rng() < 0.5) copy[name] = (copy[name] as unknown[]).map((item) => (rng() < 0.5 ? mutateBody(rng, item, property.items) : item));
  else copy[name] = brokenValue(rng, property);
  return copy;
}

function textOf(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === null || value === undefined) return '';
  return typeof value === 'object' ? JSON.stringify(value).slice(0, 5000) : String(value);
}

/** `%FF`, `%C0%AF`, lone surrogates' UTF-8: bytes that are not UTF-8 text, as a URL would carry them. */
const INVALID_PERCENT = ['%FF', '%C0%AF', '%ED%A0%80', '%E2%82', '%00', '%F0%9F%9A%80', '%25', '%2F..%2F'];

function encodeParameter(rng: Rng, value: unknown, broken: boolean): string {
  if (broken && rng() < 0.3) return pick(rng, INVALID_PERCENT);
  const text = textOf(value);
  try {
    return encodeURIComponent(text).slice(0, 20_000);
  } catch {
    // A lone surrogate: sent as the bytes a careless client's encoder would write for it.
    return [...Buffer.from(text, 'utf8')].map((b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`).join('').slice(0, 20_000);
  }
}

/** One request for an operation: valid with some probability, otherwise broken in one place. */
export function fuzzRequest(rng: Rng, op: FuzzOperation, credential: Record<string, string>): FuzzRequest {
  const broken = rng() < 0.85;
  const where = pick(rng, ['path', 'query', 'body', 'raw']);
  let path = op.route;
  const query: string[] = [];
  for (const parameter of op.operation.parameters ?? []) {
    const breakThis = broken && (where === parameter.in || where === 'raw') && rng() < 0.6;
    const value = breakThis ? brokenValue(rng, parameter.schema) : validValue(rng, parameter.schema);
    if (parameter.in === 'path') path = path.replace(`{${parameter.name}}`, encodeParameter(rng, value, breakThis) || '%20');
    else if (parameter.in === 'query' && (parameter.required || breakThis || rng() < 0.5)) query.push(`${parameter.name}=${encodeParameter(rng, value, breakThis)}`);
  }
  if (broken && where === 'query' && rng() < 0.3) query.push(`${pick(rng, ['unknown', '__proto__', 'limit', ''])}=${pick(rng, INVALID_PERCENT)}`);
  const headers: Record<string, string> = { ...credential };
  let rawBody: string | Buffer | undefined;
  const bodySchema = op.operation.requestBody?.content?.['application/json']?.schema;
  if (op.method !== 'GET' && op.method !== 'DELETE') {
    const valid = validValue(rng, bodySchema ?? { type: 'object' });
    if (broken && where === 'raw') {
      rawBody = pick(rng, [
        Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]),
        Buffer.from('{"reason":"\\u0000"}'),
        Buffer.from('{"reason":"\\ud800"}'),
        Buffer.from('{'),
        Buffer.from('{"a":1,"a":2}'),
        Buffer.from('{"__proto__":{"admin":true}}'),
        Buffer.from('[' + '['.repeat(5000)),
        Buffer.from('null'),
        Buffer.from('\u0000'),
      ]);
      headers['content-type'] = pick(rng, ['application/json', 'application/json; charset=latin1', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']);
    } else {
      rawBody = JSON.stringify(broken && where === 'body' ? mutateBody(rng, valid, bodySchema) : valid);
      headers['content-type'] = 'application/json';
    }
  }
  return { method: op.method, route: op.route, path: path + (query.length ? `?${query.join('&')}` : ''), rawBody, headers };
}

/** What no answer may contain: a stack trace, a file of ours or of the machine, an internal error's text. */
const LEAKS: Array<[RegExp, string]> = [
  [/\bat [\w.<>]+ \(?[^)\s]+:\d+:\d+\)?/, 'a stack trace'],
  [/(?:\/work\/|\/srv\/|\/tmp\/|\/home\/|\/root\/|\/var\/lib\/|node_modules|[\w-]+\.ts\b)/, 'an internal path'],
  [/\b(?:TypeError|ReferenceError|SyntaxError: Unexpected|RangeError)\b/, 'an internal error'],
  [/\bpostgres(?:ql)?:\/\/|\bclickhouse:\/\/|password/i, 'a connection string or password'],
];

export interface FuzzOutcome {
  statuses: Map<number, number>;
  problems: string[];
  requests: number;
  byOperation: Map<string, number>;
  /**
   * 503 store_unavailable with Retry-After: a store too slow or away, which the caller is told to retry. Counted
   * apart from problems: it says how loaded the machine was, not that an input broke the server.
   */
  storeUnavailable: number;
  /** The slowest answers, slowest first: where hostile input costs the server most. */
  slowest: Array<{ ms: number; request: string; status: number }>;
}

/** Sends `count` fuzzed requests, `concurrency` at a time, and checks every answer. */
export async function fuzzApi(options: {
  base: string;
  document: OpenApiDocument;
  count: number;
  seed: number;
  concurrency?: number;
  credentials: Array<Record<string, string>>;
  /** Leaves a request unsent (e.g. one that would revoke the fuzzer's own key); return a replacement path or undefined to keep it. */
  guard?: (request: FuzzRequest) => FuzzRequest | undefined;
  onProgress?: (done: number) => void;
}): Promise<FuzzOutcome> {
  const rng = mulberry32(options.seed);
  const operations = operationsOf(options.document);
  const requests: FuzzRequest[] = [];
  for (let i = 0; i < options.count; i++) {
    const op = operations[i % operations.length];
    const request = fuzzRequest(rng, op, pick(rng, options.credentials));
    requests.push(options.guard?.(request) ?? request);
  }
  const outcome: FuzzOutcome = { statuses: new Map(), problems: [], requests: 0, byOperation: new Map(), slowest: [], storeUnavailable: 0 };
  const noteTime = (ms: number, request: string, status: number) => {
    if (outcome.slowest.length >= 20 && ms <= outcome.slowest[outcome.slowest.length - 1].ms) return;
    outcome.slowest.push({ ms, request, status });
    outcome.slowest.sort((a, b) => b.ms - a.ms);
    outcome.slowest.length = Math.min(outcome.slowest.length, 20);
  };
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < requests.length; i = next++) {
      const r = requests[i];
      let status: number;
      let text: string;
      let retryAfter: string | null = null;
      const started = performance.now();
      try {
        const response = await fetch(options.base + r.path, { method: r.method, headers: r.headers, body: r.rawBody });
        status = response.status;
        retryAfter = response.headers.get('retry-after');
        text = await response.text();
        noteTime(performance.now() - started, `${r.method} ${r.path.slice(0, 200)}`, status);
      } catch (err) {
        outcome.problems.push(`${r.method} ${r.path.slice(0, 150)} → no answer: ${(err as Error).message}`);
        continue;
      }
      outcome.requests++;
      outcome.statuses.set(status, (outcome.statuses.get(status) ?? 0) + 1);
      const key = `${r.method} ${r.route}`;
      outcome.byOperation.set(key, (outcome.byOperation.get(key) ?? 0) + 1);
      const where = `${r.method} ${r.path.slice(0, 150)} → ${status}`;
      // Readiness answering "not ready" is its documented 503, not a failure of the request.
      const notReady = r.route === '/ready' && status === 503 && /"ready":false/.test(text);
      const unavailable = status === 503 && /"code":"store_unavailable"/.test(text) && retryAfter !== null;
      if (unavailable) outcome.storeUnavailable++;
      if (status >= 500 && !notReady && !unavailable) outcome.problems.push(`${where}: ${text.slice(0, 300)}`);
      if (status >= 400 && !notReady) {
        let body: { code?: unknown; message?: unknown } | undefined;
        try {
          body = JSON.parse(text);
        } catch {
          body = undefined;
        }
        if (typeof body?.code !== 'string' || typeof body?.message !== 'string') outcome.problems.push(`${where} without { code, message }: ${text.slice(0, 200)}`);
      }
      for (const [pattern, what] of LEAKS) if (pattern.test(text)) outcome.problems.push(`${where} shows ${what}: ${text.slice(0, 300)}`);
      if (i % 500 === 0) options.onProgress?.(i);
    }
  };
  await Promise.all(Array.from({ length: options.concurrency ?? 8 }, worker));
  return outcome;
}
