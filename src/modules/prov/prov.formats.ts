import { RepresentationRegistry } from '../../lib/negotiation.js';
import type { SiteUrls } from '../../lib/site-urls.js';
import { provDocument } from './prov.export.js';
import type { ProvGraph } from './prov.graph.js';
import { provJsonLd, provTurtle } from './serializers/prov-o.js';
import { provXml } from './serializers/prov-xml.js';

/**
 * One answer of a provenance route (`/datasets/{id}/lineage`, `/activities/{id}`) in whichever
 * representation is negotiated: the route's own JSON, or the graph it covers in an exchange format.
 */
export interface Exportable {
  json(): Promise<string>;
  graph(): Promise<ProvGraph>;
}

export const PROV_JSON_PROFILE = 'http://www.w3.org/Submission/prov-json/';

/**
 * The representations of provenance answers, keyed by media type: the JSON answer first (the
 * default), then PROV-JSON, PROV-XML and PROV-O here; other modules add theirs (RO-Crate).
 */
export function provFormats(urls: SiteUrls): RepresentationRegistry<Exportable> {
  const formats = new RepresentationRegistry<Exportable>();
  const doc = async (e: Exportable) => provDocument(await e.graph(), urls);
  formats.register({ mediaType: 'application/json', format: 'json', render: (e) => e.json() });
  formats.register({
    mediaType: `application/json; profile="${PROV_JSON_PROFILE}"`,
    format: 'prov-json',
    profile: PROV_JSON_PROFILE,
    render: async (e) => JSON.stringify(await doc(e)),
  });
  formats.register({ mediaType: 'application/provenance+xml', format: 'prov-xml', render: async (e) => provXml(await doc(e)) });
  formats.register({ mediaType: 'text/turtle', format: 'prov-o', render: async (e) => provTurtle(await doc(e)) });
  formats.register({ mediaType: 'application/ld+json', format: 'prov-o-jsonld', render: async (e) => provJsonLd(await doc(e)) });
  return formats;
}

/** The negotiated representation of one answer (`?format=` first, then Accept); 406 naming what is offered. */
export async function negotiate(formats: RepresentationRegistry<Exportable>, request: { accept?: string; format?: string }, answer: Exportable) {
  const representation = formats.choose(request.accept, request.format);
  if (!representation) throw formats.notAcceptable(request.format);
  return { mediaType: representation.mediaType, body: await representation.render(answer) };
}
