import type { FastifyReply, FastifyRequest } from 'fastify';
import { GraphQLError, Kind, parse, visit, type DocumentNode, type ExecutionResult, type ValueNode } from 'graphql';
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

/**
 * A Date argument that is not one. The scalar cannot know which argument it was given for: refusedQuery finds the
 * argument path (`filter.from`, `input.departureDate`) in the query text and names it as the field.
 */
export class DateInputError extends GraphQLError {
  constructor(
    readonly got: unknown,
    node?: ValueNode,
  ) {
    super(`must be a date as YYYY-MM-DD, got ${JSON.stringify(got)}`, { nodes: node, extensions: { code: 'invalid_input' } });
  }
}

/** Every argument value of the document with its path: `filter`, `filter.from`, `input.members[0].name`. */
function argumentValues(document: DocumentNode): Array<{ path: string; node: ValueNode }> {
  const found: Array<{ path: string; node: ValueNode }> = [];
  const walk = (node: ValueNode, path: string) => {
    found.push({ path, node });
    if (node.kind === Kind.OBJECT) for (const f of node.fields) walk(f.value, `${path}.${f.name.value}`);
    else if (node.kind === Kind.LIST) node.values.forEach((v, i) => walk(v, `${path}[${i}]`));
  };
  visit(document, { Argument: (arg) => walk(arg.value, arg.name.value) });
  return found;
}

/**
 * Which argument a bad Date was given for. A literal is found by its position in the query; a variable's value by
 * where the variable is used, followed by the place inside its value GraphQL reports (`at "f.from"` → `.from`).
 */
function dateField(error: GraphQLError, date: DateInputError, query: string | undefined): string | undefined {
  let document: DocumentNode;
  try {
    if (query === undefined) return undefined;
    document = parse(query);
  } catch {
    return undefined;
  }
  const values = argumentValues(document);
  if (error === date) {
    const at = date.positions?.[0];
    return at === undefined ? undefined : values.find((v) => v.node.loc?.start === at)?.path;
  }
  const variable = /^Variable "\$(\w+)" got invalid value/.exec(error.message)?.[1];
  if (variable === undefined) return undefined;
  const inside = new RegExp(`at "${variable}((?:\\.\\w+|\\[\\d+\\])*)"`).exec(error.message)?.[1] ?? '';
  const used = values.find((v) => v.node.kind === Kind.VARIABLE && v.node.name.value === variable);
  return used ? `${used.path}${inside}` : undefined;
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

function refusedQuery(error: Refused & { errors?: Refused[] }, query: string | undefined): { code: string; field?: string; errors: GraphErrorJson[] } {
  const inner: Refused[] = Array.isArray(error.errors) && error.errors.length > 0 ? error.errors : [error];
  // A bad Date, written in the query or sent in a variable: bad input in a named argument, as any other field.
  const dates = inner.map((e) => (e instanceof DateInputError ? e : (e as { originalError?: unknown }).originalError instanceof DateInputError ? ((e as GraphQLError).originalError as DateInputError) : undefined));
  if (dates.some(Boolean)) {
    const errors = inner.map((e, i): GraphErrorJson => {
      const date = dates[i];
      if (!date) return { message: e.message, ...(e.locations ? { locations: e.locations } : {}), extensions: { code: 'invalid_query' } };
      const field = dateField(e as GraphQLError, date, query);
      return {
        message: field ? `${field} ${date.message}` : `a Date argument ${date.message}`,
        ...(e.locations ? { locations: e.locations } : {}),
        extensions: field ? { code: 'invalid_input', field } : { code: 'invalid_input' },
      };
    });
    const first = errors.find((e) => e.extensions.code === 'invalid_input')!;
    return { code: 'invalid_input', field: first.extensions.field, errors };
  }
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
      const query = (request.body as { query?: unknown } | undefined)?.query ?? (request.query as { query?: unknown } | undefined)?.query;
      const refused = refusedQuery(error, typeof query === 'string' ? query : undefined);
      const first = refused.errors.find((e) => e.extensions.code === refused.code) ?? refused.errors[0];
      return reply.status(400).send({ code: refused.code, message: first.message, ...(refused.field ? { field: refused.field } : {}), errors: refused.errors });
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
