import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ExecutionResult, GraphQLError } from 'graphql';
import { SpiritError } from '../../platform/errors.ts';
import type { Logger } from '../../platform/log.ts';
import { httpStatusOf } from '../../platform/http/api-errors.ts';
import { errorAnswer, isConnectionFailure, RETRY_AFTER_SECONDS } from '../../platform/http/error-handler.ts';

/**
 * Errors of the GraphQL route, each with a code in `extensions.code` (the API's own codes: invalid_input,
 * not_found, forbidden, quotation_changed, scoring_rejected…) and, for bad input, the field.
 *
 * - A query that runs answers 200 with `data` and `errors`, as GraphQL clients expect; a resolver's unexpected
 *   failure is logged with its stack and reported as `internal` with the request id, never its text. A database
 *   that does not answer is `store_unavailable`, and when nothing could be answered, a 503 with Retry-After.
 * - A request refused before it runs (no or bad credential, bad JSON, a syntax error, an unknown field, too deep,
 *   too costly, a field or a mutation the role may not ask for) answers 4xx with the API's `{ code, message }`
 *   at the top, as every other route does, plus `errors` for GraphQL clients.
 */
interface GraphErrorJson {
  message: string;
  locations?: ReadonlyArray<{ line: number; column: number }>;
  path?: ReadonlyArray<string | number>;
  extensions: { code: string; field?: string };
}

const MERCURIUS_CODES: Record<string, [number, string]> = {
  MER_ERR_GQL_PERSISTED_QUERY_NOT_FOUND: [400, 'persisted_query_not_found'],
  MER_ERR_GQL_PERSISTED_QUERY_NOT_SUPPORTED: [400, 'persisted_query_not_supported'],
  MER_ERR_GQL_PERSISTED_QUERY_MISMATCH: [400, 'persisted_query_mismatch'],
  MER_ERR_METHOD_NOT_ALLOWED: [405, 'method_not_allowed'],
};

function executionError(error: GraphQLError, request: FastifyRequest | undefined, log: Logger): GraphErrorJson {
  const original = error.originalError;
  const where = { locations: error.locations, path: error.path };
  if (original instanceof SpiritError) {
    if (httpStatusOf(original) >= 500 && original.code !== 'scoring_unavailable') log.error('graphql resolver failed', { reqId: request?.id, error: original.message, stack: original.stack });
    return { message: original.message, ...where, extensions: original.field === undefined ? { code: original.code } : { code: original.code, field: original.field } };
  }
  // GraphQL's own errors (a variable of the wrong type, a bad Date) carry no original error or a GraphQLError.
  if (!original || (original as { extensions?: unknown }).extensions !== undefined || original.name === 'GraphQLError') {
    const code = typeof error.extensions?.code === 'string' ? error.extensions.code : 'invalid_input';
    return { message: error.message, ...where, extensions: { code } };
  }
  if (isConnectionFailure(original)) {
    // A database that went away mid-query: the caller can retry, as every other route tells them (503 below).
    log.warn('store unavailable', { reqId: request?.id, route: '/graphql', error: original.message });
    return { message: STORE_UNAVAILABLE, ...where, extensions: { code: 'store_unavailable' } };
  }
  log.error('graphql resolver failed', { reqId: request?.id, error: original.message, stack: original.stack });
  return { message: `internal error (request ${request?.id ?? 'unknown'}); it has been logged`, ...where, extensions: { code: 'internal' } };
}

const STORE_UNAVAILABLE = 'a database this query needs does not answer right now; retry shortly';

/** mercurius `errorFormatter`: errors of a query that ran. */
export function formatExecution(log: Logger) {
  return (execution: ExecutionResult & Required<Pick<ExecutionResult, 'errors'>>, context: { reply?: FastifyReply }) => {
    const request = context.reply?.request;
    const errors = execution.errors.map((e) => executionError(e, request, log));
    // Nothing answered because a store is away: 503 with Retry-After, as every other route, so clients retry.
    // (mercurius keeps only `data` and `errors` of the answer: the code is in each error's extensions.)
    if (execution.data == null && errors.some((e) => e.extensions.code === 'store_unavailable')) {
      context.reply?.header('retry-after', String(RETRY_AFTER_SECONDS));
      return { statusCode: 503, response: { data: null, errors } };
    }
    return { statusCode: 200, response: { data: execution.data ?? null, errors } };
  };
}

/** Messages of mercurius's validation wrapper: syntax, unknown fields, depth, bad variables, a body of the wrong shape. */
type Refused = Error & { code?: string; locations?: GraphErrorJson['locations'] };

function refusedQuery(error: Refused & { errors?: Refused[] }): { code: string; errors: GraphErrorJson[] } {
  const inner: Refused[] = Array.isArray(error.errors) && error.errors.length > 0 ? error.errors : [error];
  const tooDeep = inner.some((e) => e.code === 'MER_ERR_GQL_QUERY_DEPTH');
  const code = tooDeep ? 'query_too_deep' : 'invalid_query';
  return {
    code,
    errors: inner.map((e) => ({
      // mercurius quotes its depth message in backticks; the rest is GraphQL's or fastify's own wording.
      message: e.message.replace(/^`|`$/g, ''),
      ...(e.locations ? { locations: e.locations } : {}),
      extensions: { code },
    })),
  };
}

/** mercurius `errorHandler`: a request refused before its query ran. */
export function refusalHandler(log: Logger) {
  return (error: Error & { code?: string; statusCode?: number }, request: FastifyRequest, reply: FastifyReply) => {
    if (error.code === 'MER_ERR_GQL_VALIDATION') {
      const refused = refusedQuery(error);
      return reply.status(400).send({ code: refused.code, message: refused.errors[0].message, errors: refused.errors });
    }
    const known = error.code ? MERCURIUS_CODES[error.code] : undefined;
    if (known) {
      const [status, code] = known;
      return reply.status(status).send({ code, message: error.message, errors: [{ message: error.message, extensions: { code } }] });
    }
    const { status, body } = errorAnswer(error, request, reply, log);
    const extensions = body.field === undefined ? { code: body.code } : { code: body.code, field: body.field };
    return reply.status(status).send({ ...body, errors: [{ message: body.message, extensions }] });
  };
}
