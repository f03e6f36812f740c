import {
  GraphQLError,
  getNamedType,
  getNullableType,
  isListType,
  isObjectType,
  isInterfaceType,
  Kind,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLSchema,
  type SelectionSetNode,
  type ValidationContext,
  type ValidationRule,
} from 'graphql';
import { errorCatalog } from '../errors.js';

export interface QueryLimits {
  maxDepth: number;
  maxComplexity: number;
}

/** A list with no `first` argument is assumed to hold this many items. */
export const DEFAULT_LIST_SIZE = 10;
/** `first: $variable` is priced at its largest allowed value: validation runs once per document, before variables. */
export const MAX_PAGE_SIZE = 500;

interface Cost {
  depth: number;
  complexity: number;
}

/**
 * Static depth and complexity of every operation: each field costs 1 times the sizes of the lists
 * above it. A `first` argument sets the size of a connection (its `edges` list then counts once).
 * Runs as a validation rule, so mercurius caches the verdict per document.
 *
 * A fragment's cost does not depend on where it is spread (the list sizes above a spread multiply
 * its cost at the spread), so each fragment is measured once per document: 27 fragments that each
 * spread the next one twice cost 27 walks, not 2^27.
 */
export function queryLimits(limits: QueryLimits): ValidationRule {
  return (context: ValidationContext) => {
    const measure = costMeter(context);
    return {
      OperationDefinition(op) {
        const schema = context.getSchema();
        const root = op.operation === 'query' ? schema.getQueryType() : op.operation === 'mutation' ? schema.getMutationType() : schema.getSubscriptionType();
        if (!root) return;
        const cost = measure(op.selectionSet, root);
        const name = op.name?.value ?? 'anonymous';
        if (cost.depth > limits.maxDepth) {
          context.reportError(
            new GraphQLError(`Operation '${name}' is ${cost.depth} levels deep; the limit is ${limits.maxDepth} (FEMTO_GRAPHQL_MAX_DEPTH)`, {
              nodes: op,
              extensions: { code: 'QUERY_TOO_DEEP', status: errorCatalog.QUERY_TOO_DEEP.status, depth: cost.depth, limit: limits.maxDepth },
            }),
          );
        }
        if (cost.complexity > limits.maxComplexity) {
          context.reportError(
            new GraphQLError(`Operation '${name}' has complexity ${cost.complexity}; the limit is ${limits.maxComplexity} (FEMTO_GRAPHQL_MAX_COMPLEXITY)`, {
              nodes: op,
              extensions: {
                code: 'QUERY_TOO_COMPLEX',
                status: errorCatalog.QUERY_TOO_COMPLEX.status,
                complexity: cost.complexity,
                limit: limits.maxComplexity,
              },
            }),
          );
        }
      },
    };
  };
}

function firstArgument(args: readonly { name: { value: string }; value: { kind: string; value?: string } }[] | undefined): number | null {
  const first = args?.find((a) => a.name.value === 'first');
  if (!first) return null;
  return first.value.kind === Kind.INT ? Number(first.value.value) : MAX_PAGE_SIZE;
}

/** Measures selection sets of one document; every fragment is walked at most once. */
function costMeter(context: ValidationContext) {
  const schema: GraphQLSchema = context.getSchema();
  const fragments = new Map<string, Cost>();
  const visiting = new Set<string>();

  function fragmentCost(name: string, fragment: FragmentDefinitionNode, parent: GraphQLCompositeType): Cost {
    const known = fragments.get(name);
    if (known) return known;
    // A cycle is reported by graphql's own NoFragmentCyclesRule; here it only must not loop.
    if (visiting.has(name)) return { depth: 0, complexity: 0 };
    visiting.add(name);
    const type = (schema.getType(fragment.typeCondition.name.value) as GraphQLCompositeType | undefined) ?? parent;
    const cost = measure(fragment.selectionSet, type);
    visiting.delete(name);
    fragments.set(name, cost);
    return cost;
  }

  function measure(set: SelectionSetNode, parent: GraphQLCompositeType): Cost {
    let depth = 0;
    let complexity = 0;
    const add = (c: Cost) => {
      depth = Math.max(depth, c.depth);
      complexity += c.complexity;
    };
    for (const sel of set.selections) {
      if (sel.kind === Kind.FIELD) {
        const fields = isObjectType(parent) || isInterfaceType(parent) ? parent.getFields() : {};
        const def = fields[sel.name.value];
        if (!def || !sel.selectionSet) {
          add({ depth: 1, complexity: 1 });
          continue;
        }
        const first = firstArgument(sel.arguments as never);
        const isList = isListType(getNullableType(def.type));
        const isConnectionEdges = sel.name.value === 'edges' && parent.name.endsWith('Connection');
        const size = first ?? (isList && !isConnectionEdges ? DEFAULT_LIST_SIZE : 1);
        const child = measure(sel.selectionSet, getNamedType(def.type) as GraphQLCompositeType);
        add({ depth: child.depth + 1, complexity: 1 + size * child.complexity });
      } else if (sel.kind === Kind.INLINE_FRAGMENT) {
        const type = sel.typeCondition ? (schema.getType(sel.typeCondition.name.value) as GraphQLCompositeType | undefined) : parent;
        add(measure(sel.selectionSet, type ?? parent));
      } else {
        const fragment = context.getFragment(sel.name.value);
        if (fragment) add(fragmentCost(sel.name.value, fragment, parent));
      }
    }
    return { depth, complexity };
  }

  return measure;
}
