/**
 * What /graphql answers, for the OpenAPI document and the serialiser (mercurius's own response schema types an
 * error's path as strings only, which would turn a list index 0 into "0"). Plain JSON Schema: `data` is whatever
 * the query asked for.
 */
const GraphError = {
  type: 'object',
  required: ['message', 'extensions'],
  properties: {
    message: { type: 'string' },
    locations: { type: 'array', items: { type: 'object', properties: { line: { type: 'integer' }, column: { type: 'integer' } } } },
    path: { type: 'array', items: { anyOf: [{ type: 'string' }, { type: 'integer' }] } },
    extensions: {
      type: 'object',
      required: ['code'],
      properties: { code: { type: 'string', description: 'invalid_input, not_found, forbidden, quotation_changed, scoring_rejected, internal…' }, field: { type: 'string' } },
    },
  },
} as const;

const Refusal = (description: string) => ({
  description,
  type: 'object',
  required: ['code', 'message'],
  properties: { code: { type: 'string' }, message: { type: 'string' }, field: { type: 'string' }, errors: { type: 'array', items: GraphError } },
});

export const GRAPHQL_RESPONSES = {
  200: {
    description: 'The query ran: `data`, and `errors` with a code each for the fields that failed',
    type: 'object',
    properties: { data: { type: ['object', 'null'], additionalProperties: true }, errors: { type: 'array', items: GraphError } },
  },
  400: Refusal('Refused before it ran: bad JSON or variables, a syntax error, an unknown field (invalid_query), too deep (query_too_deep), too costly (query_too_complex), more than one operation, or none matching operationName (invalid_input), an unknown persisted query'),
  401: Refusal('Missing, unknown, revoked or expired credential'),
  403: Refusal('The role may not ask for a field (costs and margins) or may not change quotations'),
  405: Refusal('A mutation sent with GET'),
  429: Refusal('Rate limit of this credential reached'),
  // Refused before the query ran ({ code, message, errors }), or the query ran and nothing could be answered
  // ({ data: null, errors }, each error's extensions.code store_unavailable).
  503: {
    description: 'PostgreSQL does not answer right now; retry after Retry-After seconds',
    type: 'object',
    required: ['errors'],
    properties: { code: { type: 'string' }, message: { type: 'string' }, data: { type: 'null' }, errors: { type: 'array', items: GraphError } },
  },
};
