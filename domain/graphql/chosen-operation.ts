import type { FastifyRequest } from 'fastify';
import { Kind, type DocumentNode, type OperationDefinitionNode } from 'graphql';
import { InputError } from '../../platform/errors.ts';

/**
 * The operation a request runs. Roles and limits are checked on that operation and on no other, so a request is
 * refused whenever which one runs could be in doubt, rather than measured as nothing: a name in the URL of a POST,
 * which mercurius ignores, once made the checks look for an operation that did not exist while the body's only
 * operation ran unchecked.
 */

/** The name mercurius runs by: a GET's from its query string, a POST's from its body, never the other. */
export function operationNameOf(request: FastifyRequest): unknown {
  const sent = request.method === 'GET' ? request.query : request.body;
  return (sent as { operationName?: unknown } | undefined)?.operationName;
}

/**
 * The document's one operation, checked against the name sent (an empty name is a name, which matches nothing): a
 * name that matches nothing is a 400 naming operationName. A document holding several operations is refused (400
 * naming query): mercurius keeps a compiled query by its text alone, compiled for the operation of whichever request
 * compiled it, so a later request naming another operation of the same text ran that one — an analyst naming a
 * plain operation got the costs and margins of a manager's operation beside it, past every check made on the name.
 */
export function chosenOperation(document: DocumentNode, operationName: unknown): OperationDefinitionNode {
  const operations = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  if (operations.length === 0) throw new InputError('the query holds no operation to run', 'query');
  if (operations.length > 1) {
    throw new InputError(`the query holds ${operations.length} operations; send one operation per request (with the fragments it uses)`, 'query');
  }
  const names = operations.flatMap((o) => (o.name ? [JSON.stringify(o.name.value)] : [])).join(', ');
  if (operationName === undefined || operationName === null) return operations[0];
  if (typeof operationName !== 'string') throw new InputError(`operationName must be a string, got ${JSON.stringify(operationName)}`, 'operationName');
  const named = operations.find((o) => o.name?.value === operationName);
  if (!named) {
    const hint = names ? `operationName must be one of: ${names}` : 'its operation has no name: send no operationName';
    throw new InputError(`the query holds no operation named ${JSON.stringify(operationName)}; ${hint}`, 'operationName');
  }
  return named;
}
