import { mapInOrder } from '../../lib/in-order.js';
import { FemtoError, notFound } from '../../errors.js';
import { randomId } from '../../lib/ids.js';
import type { SiteUrls } from '../../lib/site-urls.js';
import { isAllowedUrl } from '../../lib/urls.js';
import type { Actor } from '../auth/auth.schema.js';
import type { AuthService } from '../auth/auth.service.js';
import type { DatasetsService } from '../datasets/datasets.service.js';
import { draftEtag, type DatasetReader, type Miss, type MissError, type ReadItem, type ResolvedVersion } from '../datasets/read.js';
import { mayRead } from '../datasets/visibility.js';
import type { BaselineComparison } from '../gates/gates.schema.js';
import type { LineageService } from '../lineage/lineage.service.js';
import type { OntologyService } from '../ontology/ontology.service.js';
import type { ProvenanceService } from '../provenance/provenance.service.js';
import { comparisonOf, evaluationRecord, rank, type MetricView, type VersionRefView } from './evaluations.js';
import { buildManifest } from './manifest.js';
import { cardCompleteness, type ModelCardInput } from './model-card.schema.js';
import type { EvaluatedVersion, EvaluationRow, ModelsRepository } from './models.repository.js';
import type { CardView, EvaluationInput, EvaluationRecord, Leaderboard, Manifest } from './models.schema.js';

export interface ModelsDeps {
  repo: ModelsRepository;
  reader: Pick<DatasetReader, 'open' | 'resolve' | 'load' | 'item'>;
  datasets: Pick<DatasetsService, 'patch' | 'visiblePublished'>;
  provenance: Pick<ProvenanceService, 'recordAssessment' | 'records' | 'exists'>;
  lineage: Pick<LineageService, 'lineage'>;
  ontology: Pick<OntologyService, 'metric' | 'observable' | 'gatesOn'>;
  withdrawals: (versions: readonly { datasetId: string; pk: number }[]) => Promise<Map<number, { at: string; reason: string | null }>>;
  auth: AuthService;
  urls: SiteUrls;
}

const placeholder: VersionRefView = { dataset: null, version: null, title: null, hidden: true, restricted: true };

export function createModelsService(deps: ModelsDeps) {
  const { repo, reader, datasets, provenance, lineage, ontology, auth, urls } = deps;

  /** An evaluation end as the caller may see it (the lineage placeholder rule: ends the caller may not read are opaque). */
  const endpointFor =
    (actor: Actor) =>
    (v: EvaluatedVersion | null): VersionRefView | null => {
      if (!v) return null;
      if (!mayRead(actor, v)) return placeholder;
      return { dataset: v.datasetId, version: v.versionNumber, title: v.title, hidden: false, restricted: v.accessLevel === 'restricted' };
    };

  /** The direction the ontology defines for a metric or observable IRI (an observable's through the comparisons of its gates). */
  function ontologyDirection(ref: string): { id: string; label: string; higherIsBetter: boolean | null; definedBy: 'metric' | 'observable' } | undefined {
    const metric = ontology.metric(ref);
    if (metric) return { id: metric.iri, label: metric.label, higherIsBetter: metric.higherIsBetter, definedBy: 'metric' };
    const observable = ontology.observable(ref);
    if (!observable) return undefined;
    const ways = new Set(ontology.gatesOn(observable.iri).map((g) => g.comparison));
    const higherIsBetter = ways.size === 1 && ways.has('GreaterOrEqual') ? true : ways.size === 1 && ways.has('LessOrEqual') ? false : null;
    return { id: observable.iri, label: observable.label, higherIsBetter, definedBy: 'observable' };
  }

  /** A metric as stored rows and leaderboards name it: its id, label and direction, and where the direction comes from. */
  function metricOf(r: Pick<EvaluationRow, 'metric' | 'metricLabel' | 'higherIsBetter'>): MetricView {
    if (!r.metric) return { id: null, label: r.metricLabel, higherIsBetter: null, definedBy: null };
    const defined = ontologyDirection(r.metric);
    if (defined?.higherIsBetter != null) return { ...defined, higherIsBetter: defined.higherIsBetter };
    return {
      id: r.metric,
      label: r.metricLabel ?? defined?.label ?? r.metric,
      higherIsBetter: r.higherIsBetter,
      definedBy: r.higherIsBetter === null ? null : 'statement',
    };
  }

  /**
   * The metric an evaluation names, with its direction: the ontology's (a contradicting
   * `higherIsBetter` is refused), else the one first stated for that metric (a contradicting one
   * is a conflict), else the one stated now; a measured evaluation must end up with one.
   */
  async function resolveMetric(input: EvaluationInput): Promise<{ id: string | null; label: string | null; higherIsBetter: boolean | null }> {
    const ref = input.metric;
    if (!ref) return { id: null, label: null, higherIsBetter: null };
    const stated = input.higherIsBetter;
    const defined = ontologyDirection(ref);
    if (defined?.higherIsBetter != null) {
      if (stated !== undefined && stated !== defined.higherIsBetter) {
        throw new FemtoError('UNPROCESSABLE', `${defined.label} is better when ${defined.higherIsBetter ? 'higher' : 'lower'} (GET /metrics)`, [
          { pointer: '/higherIsBetter', message: `contradicts the ontology's definition of ${defined.id}` },
        ]);
      }
      return { id: defined.id, label: defined.label, higherIsBetter: defined.higherIsBetter };
    }
    if (!defined && ref.includes(':') && !isAllowedUrl(ref)) {
      throw new FemtoError('VALIDATION_FAILED', `Metric '${ref}' is neither a name nor an allowed IRI`, [
        { pointer: '/metric', message: 'an IRI must be an http(s) URL' },
      ]);
    }
    const id = defined?.id ?? ref;
    const earlier = await repo.statedDirection(id);
    if (earlier && stated !== undefined && stated !== earlier.higherIsBetter) {
      throw new FemtoError('CONFLICT', `Metric '${id}' was stated ${earlier.higherIsBetter ? 'higher' : 'lower'}-is-better by an earlier evaluation`, [
        { pointer: '/higherIsBetter', message: 'contradicts the direction recorded for this metric' },
      ]);
    }
    const higherIsBetter = earlier?.higherIsBetter ?? stated ?? null;
    if (higherIsBetter === null && input.value !== undefined) {
      throw new FemtoError('UNPROCESSABLE', `femto does not define metric '${id}': state higherIsBetter once so that results can be ranked`, [
        { pointer: '/higherIsBetter', message: 'is required for a metric femto does not define (GET /metrics lists those it does)' },
      ]);
    }
    return { id, label: defined?.label ?? earlier?.label ?? ref, higherIsBetter };
  }

  /** A version an evaluation names: 422 for what does not exist or is not published (the caller's view: hidden is unknown). */
  async function referenced(actor: Actor, ref: { dataset: string; version?: number }, pointer: string): Promise<ResolvedVersion> {
    const r = await reader.resolve(actor, ref);
    if (r.status === 'found') return r.version;
    const reasons: Record<Miss, [FemtoError['code'], string, string]> = {
      'no-dataset': ['UNKNOWN_REFERENCE', `Dataset '${ref.dataset}' does not exist`, 'dataset'],
      hidden: ['UNKNOWN_REFERENCE', `Dataset '${ref.dataset}' does not exist`, 'dataset'],
      'no-draft': ['UNKNOWN_REFERENCE', `Dataset '${ref.dataset}' does not exist`, 'dataset'],
      'no-version': ['UNKNOWN_REFERENCE', `Dataset '${ref.dataset}' has no version ${ref.version}`, 'version'],
      unpublished: ['NOT_PUBLISHED', `Dataset '${ref.dataset}' has no published version to evaluate with`, 'dataset'],
    };
    const [code, message, field] = reasons[r.status];
    throw new FemtoError(code, message, [{ pointer: `${pointer}/${field}`, message }]);
  }

  const itemOf = async (actor: Actor, v: ResolvedVersion): Promise<ReadItem> => reader.item(actor, v);

  /** The model an evaluation is recorded for (named in the path): 404 unless it exists for the caller, 422 for a version it lacks. */
  const evaluatedMiss: MissError = (miss, ref) => {
    if (miss === 'no-version')
      return new FemtoError('UNKNOWN_REFERENCE', `Model '${ref.dataset}' has no version ${ref.version}`, [{ pointer: '/version', message: 'unknown version' }]);
    if (miss === 'unpublished') return new FemtoError('NOT_PUBLISHED', `Model '${ref.dataset}' has no published version to evaluate`);
    return notFound('Model', ref.dataset);
  };

  function requireModel(item: ReadItem, pointer: string): void {
    if (item.record.resourceType === 'Model') return;
    throw new FemtoError('UNPROCESSABLE', `'${item.record.id}' is a ${item.record.resourceType}, not a model (resourceType Model)`, [
      { pointer, message: 'is not a model' },
    ]);
  }

  /** The model record a read names: 404 like any read, and 404 for a record that is no model. */
  async function openModel(actor: Actor, id: string, version?: number, draft: 'fallback' | undefined = undefined): Promise<ReadItem> {
    const item = await itemOf(actor, await reader.open(actor, { dataset: id, version, draft }));
    if (item.record.resourceType !== 'Model') throw new FemtoError('NOT_FOUND', `'${id}' is a ${item.record.resourceType}, not a model`);
    return item;
  }

  const records = (actor: Actor, rows: EvaluationRow[]) => {
    const endpoint = endpointFor(actor);
    return rows.filter((r) => mayRead(actor, r.model)).map((r) => evaluationRecord(r, endpoint, metricOf(r)));
  };

  return {
    /**
     * Records an evaluation of a model version: a step of kind `evaluation` that used the model,
     * the benchmark version and the baseline model, and its score. All or nothing.
     */
    async recordEvaluation(actor: Actor, modelId: string, input: EvaluationInput): Promise<EvaluationRecord> {
      auth.require(actor, 'curator');
      const model = await itemOf(actor, await reader.open(actor, { dataset: modelId, version: input.version }, evaluatedMiss));
      requireModel(model, 'params/id');
      const benchmark = input.benchmark ? await referenced(actor, input.benchmark, '/benchmark') : null;
      const baselineModel = input.baseline?.model ? await referenced(actor, input.baseline.model, '/baseline/model') : null;
      if (baselineModel) requireModel(await itemOf(actor, baselineModel), '/baseline/model');
      if (benchmark?.pk === model.pk)
        throw new FemtoError('UNPROCESSABLE', 'A model is not evaluated on itself', [{ pointer: '/benchmark', message: 'is the model' }]);
      if (baselineModel && (baselineModel.pk === model.pk || baselineModel.pk === benchmark?.pk)) {
        throw new FemtoError('UNPROCESSABLE', 'A baseline is another model version', [
          { pointer: '/baseline/model', message: 'is the model or the benchmark' },
        ]);
      }
      const metric = await resolveMetric(input);
      // A baseline model's score, when the request gives none: its own latest evaluation on the same data and metric.
      const borrowed =
        input.value !== undefined && input.baseline?.value === undefined && baselineModel && benchmark && metric.id
          ? await repo.latestMeasured({ model: baselineModel.pk, benchmark: benchmark.pk, metric: metric.id, split: input.benchmark?.split ?? null })
          : undefined;
      const id = input.id ?? randomId('ev-');
      // Any step holds the id, seen by this caller or not (a hidden one would otherwise fail the insert).
      if (await provenance.exists(id)) throw new FemtoError('ID_TAKEN', `Activity '${id}' already exists`, [{ pointer: '/id', message: 'already exists' }]);
      const now = new Date().toISOString();
      // The step's inputs name the model and the data, each as the access policy lets a caller see it; the name must not
      // (the step shows wherever one end is visible, e.g. on a public benchmark's lineage next to a private model).
      const name = `Evaluation${metric.label ? `: ${metric.label}` : ''}`;
      await repo.transaction(async () => {
        await provenance.recordAssessment(actor, {
          id,
          kind: 'evaluation',
          name: name.slice(0, 500),
          description: input.method ?? null,
          software: input.software ?? null,
          parameters: { metric: metric.id, split: input.benchmark?.split ?? null, ...(input.value === undefined ? { statedClaim: true } : {}) },
          at: now,
          basis: input.basis ?? null,
          inputs: [
            { versionPk: model.pk, role: 'model' },
            ...(benchmark ? [{ versionPk: benchmark.pk, role: 'benchmark' }] : []),
            ...(baselineModel ? [{ versionPk: baselineModel.pk, role: 'baseline' }] : []),
          ],
        });
        await repo.insert({
          id,
          activityId: id,
          modelVersionPk: model.pk,
          benchmarkVersionPk: benchmark?.pk ?? null,
          split: input.benchmark?.split ?? null,
          metric: metric.id,
          metricLabel: metric.label,
          higherIsBetter: metric.higherIsBetter,
          value: input.value ?? null,
          uncertainty: input.uncertainty ?? null,
          baselineVersionPk: baselineModel?.pk ?? null,
          baselineAlgorithm: input.baseline?.algorithm ?? null,
          baselineValue: input.baseline?.value ?? borrowed?.value ?? null,
          baselineUncertainty: input.baseline?.value !== undefined ? (input.baseline.uncertainty ?? null) : (borrowed?.uncertainty ?? null),
          baselineEvaluationId: borrowed?.id ?? null,
          statement: input.statement ?? null,
          createdAt: now,
          createdBy: actor.id,
        });
        await auth.audit(actor, {
          action: 'evaluation.record',
          entityType: 'dataset',
          entityId: modelId,
          after: { evaluation: id, version: model.record.version, ...input },
        });
      });
      return this.evaluation(actor, id);
    },

    /** One evaluation; with `modelId`, only as an evaluation of that model (the URL names both). */
    async evaluation(actor: Actor, id: string, modelId?: string): Promise<EvaluationRecord> {
      const row = await repo.byId(id);
      const found = row && records(actor, [row])[0];
      if (!found || (modelId !== undefined && found.model.dataset !== modelId)) throw notFound('Evaluation', id);
      return found;
    },

    /** Evaluations of a model's published versions the caller may see (or of one version). */
    async evaluationsOf(actor: Actor, modelId: string, version?: number): Promise<EvaluationRecord[]> {
      const pks = version !== undefined ? [(await openModel(actor, modelId, version)).pk] : (await datasets.visiblePublished(actor, modelId)).map((v) => v.pk);
      return records(actor, await repo.ofModels(pks));
    },

    /** Evaluations of version pks the caller already may see (read extension, GraphQL loaders). */
    async evaluationsOfVersions(actor: Actor, pks: readonly number[]): Promise<Map<number, EvaluationRecord[]>> {
      const rows = await repo.ofModels(pks);
      return new Map(
        pks.map((pk) => [
          pk,
          records(
            actor,
            rows.filter((r) => r.model.pk === pk),
          ),
        ]),
      );
    },

    /** What the beats-baseline gate judges of these model versions (the gates module asks). */
    async comparisons(pks: readonly number[]): Promise<BaselineComparison[]> {
      return (await repo.ofModels(pks)).flatMap((r) => comparisonOf(r) ?? []);
    },

    /**
     * Model versions ranked on one benchmark version for one metric, with their baselines; claims
     * without a value listed apart. Withdrawn models and models the caller may not see are left out.
     */
    async leaderboard(actor: Actor, datasetId: string, q: { metric: string; version?: number; split?: string }): Promise<Leaderboard> {
      const benchmark = await reader.open(actor, { dataset: datasetId, version: q.version });
      const defined = ontologyDirection(q.metric);
      const metricId = defined?.id ?? q.metric;
      const rows = (await repo.onBenchmark(benchmark.pk, metricId, q.split ?? null)).filter((r) => mayRead(actor, r.model) && !r.model.withdrawn);
      const endpoint = endpointFor(actor);
      const metric = metricOf({
        metric: metricId,
        metricLabel: rows[0]?.metricLabel ?? null,
        higherIsBetter: rows.find((r) => r.higherIsBetter !== null)?.higherIsBetter ?? (await repo.statedDirection(metricId))?.higherIsBetter ?? null,
      });
      const b = (await itemOf(actor, benchmark)).record;
      return {
        benchmark: { dataset: b.id, version: b.version, title: b.title, hidden: false, restricted: b.accessLevel === 'restricted' },
        metric,
        split: q.split ?? null,
        entries: metric.higherIsBetter === null ? [] : rank(rows, metric.higherIsBetter, endpoint),
        claims: rows.filter((r) => r.value === null).map((r) => evaluationRecord(r, endpoint, metric)),
      };
    },

    /** The training-set manifest of a published model version, from the lineage snapshot and the read pipeline. */
    async manifest(actor: Actor, modelId: string, version?: number): Promise<Manifest> {
      return manifestOf(actor, await openModel(actor, modelId, version));
    },

    /** Manifests of published Model versions among version pks the caller may see (GraphQL); null for anything else. */
    async manifestsOf(actor: Actor, pks: readonly number[]): Promise<Map<number, Manifest | null>> {
      const items = new Map((await reader.load(actor, pks)).map((i) => [i.pk, i]));
      return new Map(
        await mapInOrder(pks, async (pk) => {
          const item = items.get(pk);
          return [pk, item && item.record.resourceType === 'Model' && item.record.state === 'published' ? await manifestOf(actor, item) : null] as const;
        }),
      );
    },

    /** A model's card as a reader sees it: the stored sections, what femto knows (evaluations, training set), completeness. */
    async card(actor: Actor, modelId: string, version?: number): Promise<CardView> {
      return cardOf(actor, await openModel(actor, modelId, version, version === undefined ? 'fallback' : undefined));
    },

    /** Replaces the draft's model card (If-Match: the draft's ETag); answers the draft's card and its new ETag. */
    async putCard(actor: Actor, modelId: string, card: ModelCardInput, ifMatch?: string): Promise<{ view: CardView; etag: string }> {
      const written = await datasets.patch(actor, modelId, { modelCard: card }, ifMatch);
      return { view: await cardOf(actor, await itemOf(actor, written)), etag: draftEtag(written) };
    },
  };

  async function manifestOf(actor: Actor, model: ReadItem): Promise<Manifest> {
    const r = model.record;
    const walk = await lineage.lineage(actor, { id: r.id, version: r.version, direction: 'UPSTREAM', depth: null });
    const steps = await provenance.records(
      actor,
      walk.nodes.flatMap((n) => (n.activity ? [n.activity] : [])),
    );
    const loaded = await reader.load(
      actor,
      walk.nodes.flatMap((n) => (n.kind === 'DATASET' && n.pk !== null && n.pk !== model.pk ? [n.pk] : [])),
    );
    const items = new Map([[model.pk, model], ...loaded.map((i) => [i.pk, i] as const)]);
    const withdrawals = await deps.withdrawals(loaded.map((i) => ({ datasetId: i.record.id, pk: i.pk })));
    return buildManifest({ urls, model, walk, steps, items, withdrawals });
  }

  async function cardOf(actor: Actor, item: ReadItem): Promise<CardView> {
    const r = item.record;
    const doi = item.parts.doi;
    return {
      model: {
        dataset: r.id,
        version: r.version,
        versionLabel: r.versionLabel,
        title: r.title,
        license: r.license,
        doi: doi?.state === 'findable' ? doi.doi : null,
        uri: urls.version(r.id, r.version),
      },
      card: r.modelCard,
      completeness: cardCompleteness(r.modelCard),
      evaluations: records(actor, await repo.ofModels([item.pk])),
      trainingSetManifest: r.state === 'published' ? await manifestOf(actor, item) : null,
    };
  }
}

export type ModelsService = ReturnType<typeof createModelsService>;
