import type { Actor } from '../modules/auth/auth.schema.js';
import type { DatasetRecord } from '../modules/datasets/datasets.schema.js';
import type { DatasetsService } from '../modules/datasets/datasets.service.js';
import type { DatasetReader } from '../modules/datasets/read.js';
import type { GatesService } from '../modules/gates/gates.service.js';
import type { HepdataService } from '../modules/hepdata/hepdata.service.js';
import type { IdentifiersService } from '../modules/identifiers/identifiers.service.js';
import type { LineageService } from '../modules/lineage/lineage.service.js';
import type { ModelsService } from '../modules/models/models.service.js';
import type { OntologyService } from '../modules/ontology/ontology.service.js';
import type { ProvenanceService } from '../modules/provenance/provenance.service.js';
import type { SearchService } from '../modules/search/search.service.js';

/** The services resolvers reach; never a repository. */
export interface GraphQLServices {
  reader: DatasetReader;
  datasets: DatasetsService;
  provenance: ProvenanceService;
  search: SearchService;
  lineage: LineageService;
  gates: GatesService;
  identifiers: IdentifiersService;
  ontology: OntologyService;
  models: ModelsService;
  hepdata: HepdataService;
}

export interface GraphQLContext {
  actor: Actor;
  femto: GraphQLServices;
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
