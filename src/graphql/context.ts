import type { Actor } from '../modules/auth/auth.schema.js';
import type { DatasetRecord } from '../modules/datasets/datasets.schema.js';
import type { Container } from '../container.js';

export interface GraphQLContext {
  actor: Actor;
  femto: Container;
}

/** A dataset as GraphQL resolves it: the record plus the version row it came from. */
export type DatasetNode = DatasetRecord & { __pk: number };

export const datasetNode = (pk: number, record: DatasetRecord): DatasetNode => ({ ...record, __pk: pk });

export interface LoaderQuery<O, P = Record<string, unknown>> {
  obj: O;
  params: P;
}

/** What each module contributes to the GraphQL schema (its SDL lives in schema/graphql/). */
export interface GraphQLModule {
  resolvers: Record<string, Record<string, unknown>>;
  loaders?: Record<string, Record<string, (queries: LoaderQuery<any, any>[], ctx: { reply: { request: unknown } } & GraphQLContext) => Promise<unknown[]>>>;
}
