import type { FastifyError, FastifyInstance, FastifySchemaValidationError } from 'fastify';
import { SpiritError } from '../../platform/errors.ts';
import type { Logger } from '../../platform/log.ts';
import { httpStatusOf } from './api-errors.ts';

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
  return { field: fieldPath(v.instancePath), problem: v.message ?? 'is not valid' };
}

const PART_NAMES: Record<string, string> = { body: 'body', querystring: 'query parameter', params: 'path parameter', headers: 'header' };

/**
 * Every error leaves as `{ code, message, field? }` with the right status: schema violations and bad input 400
 * naming the field, auth 401/403, missing things 404, a family without a model 503, and anything unexpected 500
 * with the request id (logged with its stack, never shown to the caller).
 */
export function installErrorHandler(app: FastifyInstance, log: Logger): void {
  app.setErrorHandler((error: FastifyError | SpiritError | Error, request, reply) => {
    const validation = (error as FastifyError).validation;
    if (validation && validation.length > 0) {
      const part = (error as FastifyError).validationContext ?? 'body';
      // An unknown field is the clearest thing to report; otherwise the first violation.
      const chosen = validation.find((v) => v.keyword === 'boolean' || v.keyword === 'additionalProperties') ?? validation[0];
      const { field, problem } = describeViolation(chosen);
      const name = field === '' ? part : field;
      const body: ErrorBody = { code: 'invalid_input', message: `${PART_NAMES[part] ?? part} ${name} ${problem}`, field: name };
      return reply.status(400).send(body);
    }
    if (error instanceof SpiritError) {
      const status = httpStatusOf(error);
      if (status >= 500 && status !== 503) log.error('request failed', { reqId: request.id, route: request.routeOptions.url, error: error.message, stack: error.stack });
      return reply.status(status).send(error.toJSON());
    }
    const status = (error as FastifyError).statusCode;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      const code = (error as FastifyError).code;
      const body: ErrorBody = { code: status === 429 ? 'rate_limited' : code ? code.replace(/^FST_ERR_/, '').toLowerCase() : 'bad_request', message: error.message };
      if (code?.startsWith('FST_ERR_CTP_')) body.field = 'body';
      return reply.status(status).send(body);
    }
    log.error('request failed', { reqId: request.id, route: request.routeOptions.url, error: error.message, stack: error.stack });
    return reply.status(500).send({ code: 'internal', message: `internal error (request ${request.id}); it has been logged` });
  });

  app.setNotFoundHandler((request, reply) => {
    reply.status(404).send({ code: 'not_found', message: `there is no route ${request.method} ${request.url.split('?')[0].slice(0, 200)}; see /docs` });
  });
}
