import type { Config } from '../../config.js';
import { anonymous } from '../auth/auth.schema.js';
import { accessParams } from '../datasets/visibility.js';
import type { FacetFilter, HarvestQuery, HarvestRepository, HarvestRow } from './harvest.repository.js';
import type { ReadItem } from '../datasets/read.js';
import { harvestItem, type HarvestService, type SerializerContext } from './harvest.service.js';
import { slugOf } from './harvest.urls.js';
import type { DomainInfo } from './observables.js';
import { createTokenCodec, type TokenState } from './oai.tokens.js';
import { OAI_DC, oaiDc } from './serializers/oai-dc.js';
import { attributes, element, escapeXml } from './xml.js';

/** A metadata format OAI-PMH disseminates. */
export interface OaiFormat {
  prefix: string;
  schema: string;
  namespace: string;
  /** The payloads of a whole page, in the order given (a page at a time, so a format can batch its lookups). */
  render(items: ReadItem[], ctx: SerializerContext): Promise<string[]>;
}

export type OaiErrorCode =
  'badArgument' | 'badResumptionToken' | 'badVerb' | 'cannotDisseminateFormat' | 'idDoesNotExist' | 'noRecordsMatch' | 'noMetadataFormats' | 'noSetHierarchy';

class OaiError extends Error {
  constructor(
    readonly code: OaiErrorCode,
    message: string,
  ) {
    super(message);
  }
}

const VERBS = {
  Identify: { required: [], optional: [] },
  ListMetadataFormats: { required: [], optional: ['identifier'] },
  ListSets: { required: [], optional: [] },
  GetRecord: { required: ['identifier', 'metadataPrefix'], optional: [] },
  ListIdentifiers: { required: ['metadataPrefix'], optional: ['from', 'until', 'set'] },
  ListRecords: { required: ['metadataPrefix'], optional: ['from', 'until', 'set'] },
} as const satisfies Record<string, { required: string[]; optional: string[] }>;
type Verb = keyof typeof VERBS;

const GRANULARITY = 'YYYY-MM-DDThh:mm:ssZ';
const TOKEN_LIFETIME_MS = 60 * 60 * 1000;
/** oai-identifier.xsd: a repository identifier is a domain name. */
const DOMAIN_NAME = /^[a-zA-Z][a-zA-Z0-9-]*(\.[a-zA-Z][a-zA-Z0-9-]*)+$/;

const seconds = (iso: string) => `${iso.slice(0, 19)}Z`;

/** A from/until argument as an inclusive-lower or exclusive-upper bound at the stored millisecond precision. */
function parseDate(value: string, name: string, bound: 'lower' | 'upper'): { iso: string; day: boolean } {
  const day = /^\d{4}-\d{2}-\d{2}$/.test(value);
  if (!day && !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/.test(value)) throw new OaiError('badArgument', `${name} must be YYYY-MM-DD or ${GRANULARITY}`);
  const t = Date.parse(day ? `${value}T00:00:00Z` : value);
  if (Number.isNaN(t) || new Date(t).toISOString().slice(0, value.length - (day ? 0 : 1)) !== value.replace(/Z$/, '')) {
    throw new OaiError('badArgument', `${name} is not a valid date: ${value}`);
  }
  const step = bound === 'upper' ? (day ? 86_400_000 : 1000) : 0;
  return { iso: new Date(t + step).toISOString(), day };
}

export function createOaiService(deps: {
  config: Config;
  repo: HarvestRepository;
  harvest: HarvestService;
  /** The ontology's domains: one OAI set each. */
  domains: DomainInfo[];
  formats?: OaiFormat[];
}) {
  const { config, repo, harvest } = deps;
  const ctx = harvest.serializerContext;
  const formats: OaiFormat[] = [{ ...OAI_DC, render: async (items, c) => items.map((i) => oaiDc(harvestItem(i.viewer, i), c)) }, ...(deps.formats ?? [])];
  const codec = createTokenCodec(config.harvest.tokenSecret);
  const host = new URL(config.baseUrl).hostname;
  const repositoryIdentifier = DOMAIN_NAME.test(host) ? host : undefined;
  const idPrefix = `oai:${host}:`;
  const pageSize = config.harvest.oaiPageSize;
  // OAI-PMH has no authentication: every harvester is anonymous.
  const publicAccess = accessParams(anonymous);
  const publicQuery = (extra: Partial<HarvestQuery> = {}): HarvestQuery => ({ access: publicAccess, includeDeleted: true, ...extra });

  const identifierOf = (id: string) => `${idPrefix}${id}`;
  const datasetIdOf = (identifier: string) => (identifier.startsWith(idPrefix) ? identifier.slice(idPrefix.length) : undefined);

  const domainBySlug = new Map(deps.domains.map((d) => [d.slug, d]));

  function setSpecsOf(row: Pick<HarvestRow, 'tiers' | 'domains' | 'dataType'>): string[] {
    return [
      ...row.tiers.map((t) => `tier:${t}`),
      ...row.domains.map((iri) => `domain:${ctx.describeDomain(iri).slug}`),
      ...(row.dataType ? [`datatype:${slugOf(row.dataType)}`] : []),
    ];
  }

  /** A set spec as stored facet values; null when no record can be in it. */
  async function facetsOf(spec: string): Promise<FacetFilter | null> {
    const [kind, value, ...rest] = spec.split(':');
    if (rest.length) return null;
    if (kind === 'tier') {
      if (value === undefined) return { tier: 'any' };
      return /^\d$/.test(value) ? { tier: Number(value) } : null;
    }
    if (kind === 'domain') {
      if (value === undefined) return { domain: 'any' };
      const domain = domainBySlug.get(value);
      return domain ? { domain: domain.iri } : null;
    }
    if (kind === 'datatype') {
      if (value === undefined) return { dataType: 'any' };
      // Data types are free text: the slug is matched against the values records hold (a catalog-wide query, so only here).
      const dataType = (await repo.facetValues(publicAccess)).dataTypes.find((d) => slugOf(d) === value);
      return dataType ? { dataType } : null;
    }
    return null;
  }

  const formatOf = (prefix: string) => {
    const f = formats.find((x) => x.prefix === prefix);
    if (!f) throw new OaiError('cannotDisseminateFormat', `metadataPrefix '${prefix}' is not offered; ListMetadataFormats lists the ones that are`);
    return f;
  };

  const header = (row: HarvestRow) =>
    `<header${row.deleted ? ' status="deleted"' : ''}>${element('identifier', identifierOf(row.id))}${element('datestamp', seconds(row.datestamp))}${setSpecsOf(
      row,
    )
      .map((s) => element('setSpec', s))
      .join('')}</header>`;

  async function records(rows: HarvestRow[], format: OaiFormat): Promise<string> {
    const live = rows.filter((r) => !r.deleted);
    // Payloads are cached per version and change counter: a page of unchanged records renders nothing.
    const payloads = await harvest.fragments(anonymous, live, `oai:${format.prefix}`, (items) => format.render(items, ctx));
    const payloadOf = new Map(live.map((row, i) => [row.pk, payloads[i]]));
    return rows
      .map((row) => {
        const payload = payloadOf.get(row.pk);
        // A record that left public view between the keyset query and now is reported as deleted rather than dropped.
        if (row.deleted || payload === undefined) return `<record>${header({ ...row, deleted: true })}</record>`;
        return `<record>${header(row)}<metadata>${payload}</metadata></record>`;
      })
      .join('');
  }

  async function identify(): Promise<string> {
    const earliest = await repo.earliestDatestamp();
    const description = repositoryIdentifier
      ? `<description><oai-identifier xmlns="http://www.openarchives.org/OAI/2.0/oai-identifier" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://www.openarchives.org/OAI/2.0/oai-identifier http://www.openarchives.org/OAI/2.0/oai-identifier.xsd"><scheme>oai</scheme>${element('repositoryIdentifier', repositoryIdentifier)}<delimiter>:</delimiter>${element('sampleIdentifier', `${idPrefix}dataset-id`)}</oai-identifier></description>`
      : '';
    return (
      `<Identify>${element('repositoryName', `${ctx.repositoryName}: FAIR metadata and provenance of physics datasets`)}${element('baseURL', ctx.urls.oai)}` +
      `<protocolVersion>2.0</protocolVersion>${element('adminEmail', config.harvest.adminEmail)}` +
      `${element('earliestDatestamp', seconds(earliest ?? '1970-01-01T00:00:00Z'))}<deletedRecord>persistent</deletedRecord><granularity>${GRANULARITY}</granularity>${description}</Identify>`
    );
  }

  async function listMetadataFormats(args: Record<string, string>): Promise<string> {
    if (args.identifier) {
      const id = datasetIdOf(args.identifier);
      if (!id || !(await repo.one(id, publicQuery()))) throw new OaiError('idDoesNotExist', `No record '${args.identifier}'`);
    }
    return `<ListMetadataFormats>${formats
      .map(
        (f) =>
          `<metadataFormat>${element('metadataPrefix', f.prefix)}${element('schema', f.schema)}${element('metadataNamespace', f.namespace)}</metadataFormat>`,
      )
      .join('')}</ListMetadataFormats>`;
  }

  async function listSets(): Promise<string> {
    const { tiers, dataTypes } = await repo.facetValues(publicAccess);
    if (!(await repo.count(publicQuery({ includeDeleted: false })))) throw new OaiError('noSetHierarchy', 'The repository holds no records, hence no sets');
    const set = (spec: string, name: string) => `<set>${element('setSpec', spec)}${element('setName', name)}</set>`;
    const bySlug = (values: string[], kind: string) => [...new Map(values.map((v) => [slugOf(v), v])).entries()].map(([slug, v]) => set(`${kind}:${slug}`, v));
    // Every domain of the ontology is a set, also one without records yet (Emergent Gravity is validation-only).
    return (
      `<ListSets>${set('tier', 'Tiers of the physics foundation-model registry')}${tiers.map((t) => set(`tier:${t}`, `Tier ${t}`)).join('')}` +
      `${set('domain', 'Physics domains')}${deps.domains.map((d) => set(`domain:${d.slug}`, d.label)).join('')}` +
      `${set('datatype', 'Data types')}${bySlug(dataTypes, 'datatype').join('')}</ListSets>`
    );
  }

  async function getRecord(args: Record<string, string>): Promise<string> {
    const format = formatOf(args.metadataPrefix);
    const id = datasetIdOf(args.identifier);
    const row = id ? await repo.one(id, publicQuery()) : undefined;
    if (!row) throw new OaiError('idDoesNotExist', `No record '${args.identifier}'`);
    return `<GetRecord>${await records([row], format)}</GetRecord>`;
  }

  async function list(verb: 'ListRecords' | 'ListIdentifiers', args: Record<string, string>, now: Date): Promise<string> {
    let state: TokenState;
    if (args.resumptionToken !== undefined) {
      const decoded = codec.decode(args.resumptionToken, now.getTime());
      if (typeof decoded === 'string') throw new OaiError('badResumptionToken', `The resumptionToken ${decoded}`);
      if (decoded.verb !== verb) throw new OaiError('badResumptionToken', `The resumptionToken belongs to ${decoded.verb}`);
      state = decoded;
    } else {
      formatOf(args.metadataPrefix);
      const from = args.from ? parseDate(args.from, 'from', 'lower') : undefined;
      const until = args.until ? parseDate(args.until, 'until', 'upper') : undefined;
      if (from && until && from.day !== until.day) throw new OaiError('badArgument', 'from and until must have the same granularity');
      if (from && until && from.iso >= until.iso) throw new OaiError('badArgument', 'from is later than until');
      const facets = args.set ? await facetsOf(args.set) : undefined;
      if (facets === null) throw new OaiError('noRecordsMatch', `No record is in set '${args.set}'`);
      const snapshot = now.toISOString();
      const before = until && until.iso < snapshot ? until.iso : snapshot;
      const total = await repo.count(publicQuery({ from: from?.iso, before, facets }));
      if (total === 0) throw new OaiError('noRecordsMatch', 'No record matches the arguments');
      state = { verb, prefix: args.metadataPrefix, set: args.set, from: from?.iso, before, after: ['', ''], cursor: 0, total, expires: 0 };
    }
    const format = formatOf(state.prefix);
    const facets = state.set ? await facetsOf(state.set) : undefined;
    const rows =
      facets === null
        ? []
        : await repo.page(publicQuery({ from: state.from, before: state.before, facets, after: state.after[0] ? state.after : undefined }), pageSize + 1);
    const page = rows.slice(0, pageSize);
    if (!page.length && state.cursor === 0) throw new OaiError('noRecordsMatch', 'No record matches the arguments');
    const body = verb === 'ListRecords' ? await records(page, format) : page.map(header).join('');
    const last = page.at(-1);
    let token = '';
    if (rows.length > pageSize && last) {
      const expires = now.getTime() + TOKEN_LIFETIME_MS;
      const next = codec.encode({ ...state, after: [last.datestamp, last.id], cursor: state.cursor + page.length, expires });
      token = `<resumptionToken${attributes({ completeListSize: Math.max(state.total, state.cursor + rows.length), cursor: state.cursor, expirationDate: seconds(new Date(expires).toISOString()) })}>${escapeXml(next)}</resumptionToken>`;
    } else if (state.cursor > 0) {
      token = `<resumptionToken${attributes({ completeListSize: state.cursor + page.length, cursor: state.cursor })}/>`;
    }
    return `<${verb}>${body}${token}</${verb}>`;
  }

  /** Validates the arguments against the verb (OAI-PMH 2.0 §3.1.1); returns the verb and its arguments. */
  function validate(raw: Record<string, unknown>): { verb: Verb; args: Record<string, string> } {
    const args: Record<string, string> = {};
    for (const [k, v] of Object.entries(raw)) {
      if (Array.isArray(v)) throw new OaiError(k === 'verb' ? 'badVerb' : 'badArgument', `The argument '${k}' is repeated`);
      if (typeof v === 'string') args[k] = v;
    }
    const verb = args.verb;
    if (!verb || !Object.hasOwn(VERBS, verb)) throw new OaiError('badVerb', verb ? `'${verb}' is not an OAI-PMH verb` : 'The verb argument is missing');
    const spec = VERBS[verb as Verb];
    const { verb: _verb, ...rest } = args;
    const exclusive = verb === 'ListRecords' || verb === 'ListIdentifiers' || verb === 'ListSets' ? ['resumptionToken'] : [];
    const allowed = new Set<string>([...spec.required, ...spec.optional, ...exclusive]);
    const illegal = Object.keys(rest).filter((k) => !allowed.has(k));
    if (illegal.length) throw new OaiError('badArgument', `${verb} does not take ${illegal.join(', ')}`);
    if (rest.resumptionToken !== undefined) {
      if (Object.keys(rest).length > 1) throw new OaiError('badArgument', 'resumptionToken is an exclusive argument');
      if (verb === 'ListSets') throw new OaiError('badResumptionToken', 'ListSets answers in one response; this token was not issued by it');
    } else {
      const missing = spec.required.filter((k) => rest[k] === undefined);
      if (missing.length) throw new OaiError('badArgument', `${verb} requires ${missing.join(', ')}`);
    }
    return { verb: verb as Verb, args: rest };
  }

  return {
    formats,

    /** One OAI-PMH response document for the request's arguments (query string or form body). */
    async respond(raw: Record<string, unknown>, now = new Date()): Promise<string> {
      let requestAttrs: Record<string, string> = {};
      let body: string;
      try {
        const { verb, args } = validate(raw);
        requestAttrs = { verb, ...args };
        body =
          verb === 'Identify'
            ? await identify()
            : verb === 'ListMetadataFormats'
              ? await listMetadataFormats(args)
              : verb === 'ListSets'
                ? await listSets()
                : verb === 'GetRecord'
                  ? await getRecord(args)
                  : await list(verb, args, now);
      } catch (err) {
        if (!(err instanceof OaiError)) throw err;
        // §3.6: with badVerb or badArgument the request element carries no attributes.
        if (err.code === 'badVerb' || err.code === 'badArgument') requestAttrs = {};
        body = `<error code="${err.code}">${escapeXml(err.message)}</error>`;
      }
      return (
        `<?xml version="1.0" encoding="UTF-8"?>\n<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" ` +
        `xsi:schemaLocation="http://www.openarchives.org/OAI/2.0/ http://www.openarchives.org/OAI/2.0/OAI-PMH.xsd">` +
        `<responseDate>${seconds(now.toISOString())}</responseDate><request${attributes(requestAttrs)}>${escapeXml(ctx.urls.oai)}</request>${body}</OAI-PMH>\n`
      );
    },
  };
}

export type OaiService = ReturnType<typeof createOaiService>;
