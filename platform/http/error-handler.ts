import http from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest, FastifySchemaValidationError } from 'fastify';
import { SpiritError } from '../errors.ts';
import type { Logger } from '../log.ts';
import { httpStatusOf } from './api-errors.ts';
import { requestIds } from './request-ids.ts';

export interface ErrorBody {
  code: string;
  message: string;
  field?: string;
}

/** `/quotations/0/cost` → `quotations[0].cost`, the way a caller writes it. */
export function fieldPath(pointer: string, extra?: string): string {
  const parts = pointer
    .split('/')
    .slice(1)
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  if (extra !== undefined) parts.push(extra);
  return parts.reduce((path, part) => (/^\d+$/.test(part) ? `${path}[${part}]` : path === '' ? part : `${path}.${part}`), '');
}

/** Fastify's own refusals, under the API's documented codes. */
const FASTIFY_CODES: Record<string, string> = {
  FST_ERR_CTP_INVALID_JSON_BODY: 'invalid_json',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'invalid_json',
  FST_ERR_CTP_BODY_TOO_LARGE: 'body_too_large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'bad_request',
  FST_ERR_CTP_INVALID_TYPE: 'unsupported_media_type',
  FST_ERR_BAD_URL: 'bad_request',
  FST_ERR_ASYNC_CONSTRAINT: 'bad_request',
};

/** How long a caller is asked to wait when a store is away: a PostgreSQL restart takes a few seconds. */
export const RETRY_AFTER_SECONDS = 5;

/**
 * Errors of a connection to PostgreSQL, Redis or ClickHouse that went away, never came or could not be had in
 * time: node's socket errors, PostgreSQL's admin shutdown / cannot-connect classes (57P01–57P03, 08xxx) and
 * pg-pool's own messages, including its wait for a free client timing out when every connection is busy (under
 * overload: the caller should come back, as when the store is away), and a query left unanswered past the request
 * pool's query_timeout (a server that accepts connections but does not answer).
 */
export function isConnectionFailure(error: Error): boolean {
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && (/^(ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|EHOSTUNREACH|ENOTFOUND)$/.test(code) || /^(57P0[123]|08...)$/.test(code))) return true;
  return /Connection terminated|connection timeout|timeout exceeded when trying to connect|Client has encountered a connection error|Cannot use a pool after calling end|Query read timeout/i.test(error.message);
}

type ValidationParams = Record<string, unknown>;

function firstOf(value: unknown): string | undefined {
  if (Array.isArray(value)) return value.length ? String(value[0]) : undefined;
  return typeof value === 'string' ? value : undefined;
}

/** One schema violation as `{ field, problem }`: the field the caller must fix and what is wrong with it. */
export function describeViolation(v: FastifySchemaValidationError): { field: string; problem: string } {
  const params = (v.params ?? {}) as ValidationParams;
  if (v.keyword === 'required') {
    return { field: fieldPath(v.instancePath, firstOf(params.requiredProperties) ?? firstOf(params.missingProperty) ?? '?'), problem: 'is required' };
  }
  if (v.keyword === 'additionalProperties') {
    return { field: fieldPath(v.instancePath, firstOf(params.additionalProperties) ?? firstOf(params.additionalProperty) ?? '?'), problem: 'is not a field of this request' };
  }
  // TypeBox reports an unknown property as `false` schema on the property itself.
  if (v.keyword === 'boolean') return { field: fieldPath(v.instancePath), problem: 'is not a field of this request' };
  // A caller who sent a value not in a list is told the list, not only that it was wrong.
  const allowed = params.allowedValues;
  if (v.keyword === 'enum' && Array.isArray(allowed)) return { field: fieldPath(v.instancePath), problem: `must be one of ${allowed.map(String).join(', ')}` };
  return { field: fieldPath(v.instancePath), problem: v.message ?? 'is not valid' };
}

/**
 * A union of literals (`Type.Union([Type.Literal('json'), …])`) fails once per alternative, each violation naming one
 * allowed value (`const`); they are told as one list, as an enum's are, rather than "must be equal to constant".
 */
function oneOfLiterals(chosen: FastifySchemaValidationError, all: FastifySchemaValidationError[]): FastifySchemaValidationError {
  if (chosen.keyword !== 'const') return chosen;
  const allowedValues = all.filter((v) => v.keyword === 'const' && v.instancePath === chosen.instancePath).map((v) => (v.params as ValidationParams).allowedValue);
  return { ...chosen, keyword: 'enum', params: { allowedValues } };
}

const PART_NAMES: Record<string, string> = { body: 'body', querystring: 'query parameter', params: 'path parameter', headers: 'header' };

/**
 * Every error leaves as `{ code, message, field? }` with the right status: schema violations and bad input 400
 * naming the field, auth 401/403, missing things 404, a family without a model 503, and anything unexpected 500
 * with the request id (logged with its stack, never shown to the caller). Sets the headers the answer needs
 * (Retry-After); plugins with their own error shape (domain/graphql) start from this answer.
 */
export function errorAnswer(error: FastifyError | SpiritError | Error, request: FastifyRequest, reply: FastifyReply, log: Logger): { status: number; body: ErrorBody } {
  const validation = (error as FastifyError).validation;
  if (validation && validation.length > 0) {
    const part = (error as FastifyError).validationContext ?? 'body';
    // An unknown field is the clearest thing to report; otherwise the first violation.
    const chosen = validation.find((v) => v.keyword === 'boolean' || v.keyword === 'additionalProperties') ?? validation[0];
    const { field, problem } = describeViolation(oneOfLiterals(chosen, validation));
    const name = field === '' ? part : field;
    return { status: 400, body: { code: 'invalid_input', message: `${PART_NAMES[part] ?? part} ${name} ${problem}`, field: name } };
  }
  if (error instanceof SpiritError) {
    const status = httpStatusOf(error);
    if (status >= 500 && status !== 503) log.error('request failed', { ...requestIds(request), route: request.routeOptions.url, error: error.message, stack: error.stack });
    if (status === 503) {
      if (!reply.hasHeader('retry-after')) reply.header('retry-after', String(RETRY_AFTER_SECONDS));
      const cause = (error as { cause?: Error }).cause;
      if (cause) log.warn('store unavailable', { ...requestIds(request), route: request.routeOptions.url, error: cause.message });
    }
    return { status, body: error.toJSON() };
  }
  if (isConnectionFailure(error)) {
    // A database that went away mid-request: the caller can retry, it is not their fault nor a bug of ours.
    log.warn('store unavailable', { ...requestIds(request), route: request.routeOptions.url, error: error.message });
    reply.header('retry-after', String(RETRY_AFTER_SECONDS));
    return { status: 503, body: { code: 'store_unavailable', message: 'a database this route needs does not answer right now; retry shortly' } };
  }
  const status = (error as FastifyError).statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    const code = (error as FastifyError).code;
    const body: ErrorBody = { code: FASTIFY_CODES[code ?? ''] ?? (status === 429 ? 'rate_limited' : 'bad_request'), message: error.message };
    if (code?.startsWith('FST_ERR_CTP_')) body.field = 'body';
    return { status, body };
  }
  log.error('request failed', { ...requestIds(request), route: request.routeOptions.url, error: error.message, stack: error.stack });
  return { status: 500, body: { code: 'internal', message: `internal error (request ${request.id}); it has been logged` } };
}

export function installErrorHandler(app: FastifyInstance, log: Logger): void {
  app.setErrorHandler((error: FastifyError | SpiritError | Error, request, reply) => {
    const { status, body } = errorAnswer(error, request, reply, log);
    return reply.status(status).send(body);
  });

  app.setNotFoundHandler((request, reply) => {
    reply.status(404).send({ code: 'not_found', message: `there is no route ${request.method} ${request.url.split('?')[0].slice(0, 200)}; see /docs` });
  });
}

/**
 * Requests Node refuses before fastify sees them (a URL or headers past the size limit, a malformed request
 * line, a client too slow to send its headers) are answered in the API's own `{ code, message }` shape too.
 * Given to Fastify({ clientErrorHandler }).
 */
export function clientErrorHandler(err: Error & { code?: string }, socket: Socket): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, code, message] =
    err.code === 'HPE_HEADER_OVERFLOW'
      ? [431, 'request_too_large', 'the URL and headers are larger than the server accepts (16 KB); send large input in a body']
      : err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, 'request_timeout', 'the request took too long to arrive']
        : [400, 'bad_request', 'the request is not well-formed HTTP'];
  const body = JSON.stringify({ code, message });
  if (socket.writable) {
    socket.write(`HTTP/1.1 ${status} ${http.STATUS_CODES[status]}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n${body}`);
  }
  socket.destroy(err);
}

/**
 * URLs fastify's router refuses before any route runs (percent-encoding that is not UTF-8, a path segment past
 * its length limit) are answered in the API's own `{ code, message, field }` shape too; fastify's own body had
 * neither. Given to Fastify({ frameworkErrors }).
 */
export function frameworkErrorHandler(error: FastifyError, _request: FastifyRequest, reply: FastifyReply): void {
  const [status, code, message] =
    error.code === 'FST_ERR_MAX_PARAM_LENGTH'
      ? [414, 'request_too_large', 'a part of the URL path is longer than the server accepts (200 characters)']
      : [400, 'bad_request', 'the URL path is not valid: its percent-encoding does not spell UTF-8 text'];
  void reply.code(status).send({ code, message, field: 'url' });
}
