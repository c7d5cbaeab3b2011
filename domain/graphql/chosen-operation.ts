import type { FastifyRequest } from 'fastify';
import { Kind, type DocumentNode, type OperationDefinitionNode } from 'graphql';
import { InputError } from '../../platform/errors.ts';

/**
 * The operation a request runs. Roles and limits are checked on that operation and on no other, so it is taken
 * exactly as mercurius and GraphQL take it, and when they would run none the request is refused rather than
 * measured as nothing: a name in the URL of a POST, which mercurius ignores, once made the checks look for an
 * operation that did not exist while the body's only operation ran unchecked.
 */

/** The name mercurius runs by: a GET's from its query string, a POST's from its body, never the other. */
export function operationNameOf(request: FastifyRequest): unknown {
  const sent = request.method === 'GET' ? request.query : request.body;
  return (sent as { operationName?: unknown } | undefined)?.operationName;
}

/**
 * The operation named, else the only one, as GraphQL chooses (an empty name is a name, which matches nothing).
 * A name that matches nothing, or several operations and no name, is a 400 naming operationName.
 */
export function chosenOperation(document: DocumentNode, operationName: unknown): OperationDefinitionNode {
  const operations = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  const names = operations.flatMap((o) => (o.name ? [JSON.stringify(o.name.value)] : [])).join(', ');
  if (operationName === undefined || operationName === null) {
    if (operations.length === 1) return operations[0];
    if (operations.length === 0) throw new InputError('the query holds no operation to run', 'query');
    throw new InputError(`the query holds ${operations.length} operations; name the one to run in operationName (${names})`, 'operationName');
  }
  if (typeof operationName !== 'string') throw new InputError(`operationName must be a string, got ${JSON.stringify(operationName)}`, 'operationName');
  const named = operations.find((o) => o.name?.value === operationName);
  if (!named) {
    const hint = names ? `operationName must be one of: ${names}` : 'its operation has no name: send no operationName';
    throw new InputError(`the query holds no operation named ${JSON.stringify(operationName)}; ${hint}`, 'operationName');
  }
  return named;
}
