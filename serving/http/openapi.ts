import type { FastifySchema } from 'fastify';
import type { SwaggerTransform } from '@fastify/swagger';

/**
 * The OpenAPI document's frame; the paths come from the routes' own schemas (@fastify/swagger), and
 * `transformRouteForDocs` adds to each route who may call it, from the same `config.roles` the server enforces.
 */
export function openApiDocument() {
  return {
    openapi: '3.0.3',
    info: {
      title: 'Spirit ML scoring API',
      version: '1',
      description: [
        'Prices, recommendations, segments and demand for Spirit Tours.',
        'Every /v1 route needs a credential: an API key (`X-API-Key: spk_…`, or `Authorization: Bearer spk_…`) or a',
        'token from POST /v1/auth/token (`Authorization: Bearer <jwt>`). A missing or bad credential gets 401, a role',
        'the route does not accept gets 403. Errors are `{ code, message, field? }`.',
        'Scored answers carry the model version and a feature snapshot id; each scored item is logged for replay.',
      ].join('\n'),
    },
    components: {
      securitySchemes: {
        apiKey: { type: 'apiKey' as const, in: 'header' as const, name: 'X-API-Key' },
        bearer: { type: 'http' as const, scheme: 'bearer', bearerFormat: 'API key or JWT' },
      },
    },
    tags: [
      { name: 'prices', description: 'Suggested prices for quotations' },
      { name: 'quotations', description: 'Everything the quotation engine needs for one quote' },
      { name: 'recommendations', description: 'Itineraries for a customer, and similar itineraries' },
      { name: 'catalogue', description: 'Itineraries with their next departures and seats left' },
      { name: 'segments', description: 'Customer segments' },
      { name: 'demand', description: 'Demand forecasts, load factor and booking pace' },
      { name: 'messages', description: "Customers' messages understood: intent, entities, tone, next question" },
      { name: 'data', description: 'Warehouse reads for analysts' },
      { name: 'graphql', description: 'Quotations through GraphQL' },
      { name: 'auth', description: 'Tokens' },
      { name: 'admin', description: 'Models and API keys' },
      { name: 'operations', description: 'Health, readiness, metrics' },
    ],
  };
}

export const transformRouteForDocs: SwaggerTransform = ({ schema, url, route }) => {
  const roles = route.config?.roles;
  if (!schema || !roles) return { schema, url };
  const described = schema as FastifySchema & { description?: string };
  const description = [described.description, `Roles: ${roles.join(', ')}.`].filter(Boolean).join('\n\n');
  return { schema: { ...schema, description, security: [{ apiKey: [] }, { bearer: [] }] } as FastifySchema, url };
};
