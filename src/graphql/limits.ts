import {
  GraphQLError,
  getNamedType,
  getNullableType,
  isListType,
  isObjectType,
  isInterfaceType,
  Kind,
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
 */
export function queryLimits(limits: QueryLimits): ValidationRule {
  return (context: ValidationContext) => {
    const schema = context.getSchema();
    return {
      OperationDefinition(op) {
        const root = op.operation === 'query' ? schema.getQueryType() : op.operation === 'mutation' ? schema.getMutationType() : schema.getSubscriptionType();
        if (!root) return;
        const cost = measure(context, schema, op.selectionSet, root, new Set());
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
              extensions: { code: 'QUERY_TOO_COMPLEX', status: errorCatalog.QUERY_TOO_COMPLEX.status, complexity: cost.complexity, limit: limits.maxComplexity },
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

function measure(context: ValidationContext, schema: GraphQLSchema, set: SelectionSetNode, parent: GraphQLCompositeType, visiting: Set<string>): Cost {
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
      const child = measure(context, schema, sel.selectionSet, getNamedType(def.type) as GraphQLCompositeType, visiting);
      add({ depth: child.depth + 1, complexity: 1 + size * child.complexity });
    } else if (sel.kind === Kind.INLINE_FRAGMENT) {
      const type = sel.typeCondition ? (schema.getType(sel.typeCondition.name.value) as GraphQLCompositeType | undefined) : parent;
      add(measure(context, schema, sel.selectionSet, type ?? parent, visiting));
    } else {
      const name = sel.name.value;
      const fragment = context.getFragment(name);
      // Fragment cycles are reported by graphql's own rule; here they only must not loop.
      if (!fragment || visiting.has(name)) continue;
      visiting.add(name);
      add(measure(context, schema, fragment.selectionSet, (schema.getType(fragment.typeCondition.name.value) as GraphQLCompositeType | undefined) ?? parent, visiting));
      visiting.delete(name);
    }
  }
  return { depth, complexity };
}
