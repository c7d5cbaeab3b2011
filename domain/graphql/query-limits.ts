import {
  getNamedType, isListType, isNonNullType, isObjectType, Kind, SchemaMetaFieldDef, TypeMetaFieldDef, TypeNameMetaFieldDef, type DocumentNode, type FieldNode, type FragmentDefinitionNode, type GraphQLField, type GraphQLNamedType,
  type GraphQLOutputType, type GraphQLSchema, type OperationDefinitionNode, type SelectionSetNode, valueFromASTUntyped,
} from 'graphql';
import { InputError } from '../../platform/errors.ts';
import { ForbiddenError } from '../../platform/http/api-errors.ts';
import { ACCESS } from '../../platform/http/roles.ts';
import { chosenOperation } from './chosen-operation.ts';
import { MAX_PAGE } from './quotation-page.ts';
import type { Role } from '../../platform/http/roles.ts';

/**
 * What a query may ask, checked after GraphQL's own validation and before anything runs, so a refusal costs no
 * SQL and a page is never half served:
 * - costs and margins only for the roles that see them on the review desk (pricing-manager, admin); the answer
 *   names every refused field rather than nulling them one by one;
 * - mutations only for the roles that may have prices scored (quotation-engine, pricing-manager, admin);
 * - a cost estimate: every field 1, a connection times its `first`, any other list times LIST_ESTIMATE, and a
 *   field that runs its own query over many rows its weight in SQL_WEIGHTS. Depth alone (mercurius `queryDepth`)
 *   does not stop a wide query: ten aliases of a full page are shallow.
 */
export const COST_FIELDS: Record<string, readonly string[]> = {
  Quotation: ['costTotal', 'margin', 'marginRate'],
  QuotationItem: ['unitCost', 'amount'],
  GuideAssignment: ['amount'],
  QuotationVersion: ['costTotal', 'margin'],
  Booking: ['totalCost'],
  QuotationAnalyticsRow: ['costTotal', 'margin', 'marginRate'],
};
export const COST_ROLES: readonly Role[] = ACCESS.review;
export const WRITE_ROLES: readonly Role[] = ACCESS.score;

/**
 * Fields that each run a query of their own, whatever is asked of them: aliased, they run side by side, so sixty
 * aliases of one aggregate held every connection of the request pool and other callers waited seconds. Weighed so
 * that a request runs at most three aggregates, or some twenty-five pages with their count, or seventy-nine pages.
 */
const SQL_WEIGHTS: Record<string, number> = {
  'Query.quotationAnalytics': 12_000,
  'Query.quotations': 500,
  'QuotationConnection.totalCount': 1_000,
};

/** Rows a list without `first` is taken to hold (items and versions of one quotation, analytics rows). */
const LIST_ESTIMATE = 10;
/** A full page of 100 quotations with everything on them fits; ten aliased copies of it do not. */
export const MAX_COST = 40_000;

export class QueryTooComplexError extends InputError {
  constructor() {
    super(`the query is estimated at more than the ${MAX_COST} fields one request may ask; ask for fewer fields, a smaller first, or fewer aliases`, undefined, 'query_too_complex');
  }
}

interface Walk {
  schema: GraphQLSchema;
  fragments: Map<string, FragmentDefinitionNode>;
  variables: Record<string, unknown>;
  refused: Set<string>;
  /** The weight of the fields asked for that run queries of their own (SQL_WEIGHTS). */
  queries: number;
  /**
   * Each fragment's cost and weight, measured once (its type is its own type condition, wherever it is spread):
   * walked anew at every spread, fragments that each spread the next twice took time doubling with each level,
   * 24 levels in 1 KB held the API 15 s. `measuring` while it is walked, so a cycle (which GraphQL's validation
   * refuses before this runs) is not followed.
   */
  measured: Map<string, { cost: number; queries: number } | 'measuring'>;
}

function sizeOf(walk: Walk, parent: GraphQLNamedType, field: GraphQLField<unknown, unknown>, node: FieldNode): number {
  // A connection's edges are as many as its `first`, counted on the connection field already.
  if (parent.name.endsWith('Connection')) return 1;
  const first = field.args.find((a) => a.name === 'first');
  if (first) {
    const given = node.arguments?.find((a) => a.name.value === 'first')?.value;
    // A variable the request did not send takes its default in the operation, else the argument's own default.
    const value = given?.kind === Kind.INT ? Number(given.value) : given?.kind === Kind.VARIABLE ? (walk.variables[given.name.value] ?? first.defaultValue) : first.defaultValue;
    // Refused here rather than by the resolver, so a page too large is never measured as a query too costly.
    if (typeof value === 'number' && value > MAX_PAGE) throw new InputError(`first must be a whole number from 1 to ${MAX_PAGE}, got ${value}`, 'first');
    return typeof value === 'number' && value > 0 ? value : 1;
  }
  let type: GraphQLOutputType = field.type;
  if (isNonNullType(type)) type = type.ofType;
  return isListType(type) ? LIST_ESTIMATE : 1;
}

/**
 * GraphQL's own fields, answered from the schema: `__schema` and `__type` on the query type, `__typename` anywhere.
 * They cost like any other field, lists and all: a query of thousands of aliased `__schema { types { fields … } }`
 * is as much work to answer as any other wide query.
 */
function metaField(schema: GraphQLSchema, parent: GraphQLNamedType, name: string): GraphQLField<unknown, unknown> | undefined {
  if (name === '__typename') return TypeNameMetaFieldDef;
  if (parent !== schema.getQueryType()) return undefined;
  return name === '__schema' ? SchemaMetaFieldDef : name === '__type' ? TypeMetaFieldDef : undefined;
}

/**
 * The cost of a selection set. Every cost is at least the cost of any selection set inside it (sizes are at least
 * 1), so once the running cost passes MAX_COST the query is refused without walking the rest of it.
 */
function costOf(walk: Walk, selections: SelectionSetNode, parent: GraphQLNamedType): number {
  let cost = 0;
  for (const selection of selections.selections) {
    if (selection.kind === Kind.FIELD) {
      const name = selection.name.value;
      const field = isObjectType(parent) ? (parent.getFields()[name] ?? metaField(walk.schema, parent, name)) : undefined;
      if (!field) {
        cost += 1;
        continue;
      }
      if (COST_FIELDS[parent.name]?.includes(name)) walk.refused.add(`${parent.name}.${name}`);
      // Before what it holds: a page too large is refused as such, not as a query too costly.
      const size = sizeOf(walk, parent, field, selection);
      const inner = selection.selectionSet ? costOf(walk, selection.selectionSet, getNamedType(field.type)) : 0;
      // A connection's `first` multiplies its pageInfo too, not only its edges: close enough for a limit.
      cost += 1 + size * inner;
      // Once per place it is asked, not times its parent's size: these fields sit on the root and its connection.
      walk.queries += SQL_WEIGHTS[`${parent.name}.${name}`] ?? 0;
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      const type = selection.typeCondition ? walk.schema.getType(selection.typeCondition.name.value) : parent;
      cost += costOf(walk, selection.selectionSet, type ?? parent);
    } else {
      const fragment = fragmentCost(walk, selection.name.value, parent);
      cost += fragment.cost;
      walk.queries += fragment.queries;
    }
    if (cost + walk.queries > MAX_COST) throw new QueryTooComplexError();
  }
  return cost;
}

function fragmentCost(walk: Walk, name: string, parent: GraphQLNamedType): { cost: number; queries: number } {
  const known = walk.measured.get(name);
  if (known === 'measuring') return { cost: 0, queries: 0 };
  if (known) return known;
  const fragment = walk.fragments.get(name);
  if (!fragment) return { cost: 0, queries: 0 };
  walk.measured.set(name, 'measuring');
  const queriesBefore = walk.queries;
  const cost = costOf(walk, fragment.selectionSet, walk.schema.getType(fragment.typeCondition.name.value) ?? parent);
  // Its weight is counted by the caller at every spread, this first one included.
  const measured = { cost, queries: walk.queries - queriesBefore };
  walk.queries = queriesBefore;
  walk.measured.set(name, measured);
  return measured;
}

export interface OperationCheck {
  /** `Type.field` of every cost or margin field asked for. */
  costFields: string[];
}

/** Throws QueryTooComplexError as soon as the estimate passes MAX_COST. */
export function measureOperation(schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode, variables: Record<string, unknown> | undefined): OperationCheck {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  // The variables as the operation runs with them: what the request sent, and each declared default it did not
  // override (mercurius hands over only the former; `$n: Int = 100` must cost as much as `first: 100`).
  const withDefaults: Record<string, unknown> = { ...(variables ?? {}) };
  for (const definition of operation.variableDefinitions ?? []) {
    const name = definition.variable.name.value;
    if (withDefaults[name] === undefined && definition.defaultValue) withDefaults[name] = valueFromASTUntyped(definition.defaultValue);
  }
  const walk: Walk = { schema, fragments, variables: withDefaults, refused: new Set(), queries: 0, measured: new Map() };
  const root = operation.operation === 'mutation' ? schema.getMutationType() : schema.getQueryType();
  if (root) costOf(walk, operation.selectionSet, root);
  return { costFields: [...walk.refused] };
}

/**
 * Throws the refusal the caller gets (403 or 400 with a code), or returns quietly. The operation checked is the one
 * that runs (chosenOperation), or none runs and the request is refused.
 */
export function checkOperation(schema: GraphQLSchema, document: DocumentNode, variables: Record<string, unknown> | undefined, role: Role, operationName: unknown): void {
  const operation = chosenOperation(document, operationName);
  if (operation.operation === 'mutation' && !WRITE_ROLES.includes(role)) {
    throw new ForbiddenError(`role ${role} may not change quotations; mutations need one of: ${WRITE_ROLES.join(', ')}`);
  }
  const measured = measureOperation(schema, document, operation, variables);
  if (measured.costFields.length > 0 && !COST_ROLES.includes(role)) {
    throw new ForbiddenError(`role ${role} may not see costs or margins (${measured.costFields.join(', ')}); they need one of: ${COST_ROLES.join(', ')}`);
  }
}
