import { create } from 'xmlbuilder2';
import type { XMLBuilder } from 'xmlbuilder2/lib/interfaces.js';
import { xmlChars } from '../../../lib/xml-chars.js';
import type { DataciteAttributes, DataciteName } from './datacite.js';

export const DATACITE_NS = 'http://datacite.org/schema/kernel-4';
const SCHEMA_LOCATION = `${DATACITE_NS} http://schema.datacite.org/meta/kernel-4.7/metadata.xsd`;
const XSI = 'http://www.w3.org/2001/XMLSchema-instance';

type Attrs = Record<string, string | number | undefined | null>;

/**
 * xmlbuilder2 leaves anything shaped like an entity reference ("&ldquo;", "&amp;") unescaped, so
 * text that contains one literally would come out as an undefined entity or decode differently.
 * Escaping the ampersand of such sequences first keeps the text exactly as given (less what XML cannot carry).
 */
const lit = (v: unknown) => xmlChars(v == null ? '' : String(v)).replace(/&(?=#?[\w.-]+;)/g, '&amp;');

/** Drops empty attribute values; `lang` becomes xml:lang as the kernel wants. */
function clean(attrs: Attrs): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(attrs)) if (v != null && v !== '') out[k === 'lang' ? 'xml:lang' : k] = lit(String(v));
  return out;
}

function list<T>(parent: XMLBuilder, wrapper: string, items: T[] | undefined, each: (w: XMLBuilder, item: T) => void) {
  if (!items?.length) return;
  const w = parent.ele(wrapper);
  for (const item of items) each(w, item);
}

function name(parent: XMLBuilder, element: 'creator' | 'contributor', n: DataciteName) {
  const el = parent.ele(element, element === 'contributor' ? { contributorType: n.contributorType ?? 'Other' } : {});
  el.ele(`${element}Name`, clean({ nameType: n.nameType, lang: n.lang })).txt(lit(n.name));
  if (n.givenName) el.ele('givenName').txt(lit(n.givenName));
  if (n.familyName) el.ele('familyName').txt(lit(n.familyName));
  for (const id of n.nameIdentifiers ?? []) {
    el.ele('nameIdentifier', clean({ nameIdentifierScheme: id.nameIdentifierScheme, schemeURI: id.schemeUri })).txt(lit(id.nameIdentifier));
  }
  // The REST API of older DataCite versions gives affiliations as bare strings.
  for (const a of (n.affiliation ?? []).map((x) => (typeof x === 'string' ? { name: x } : x))) {
    el.ele(
      'affiliation',
      clean({ affiliationIdentifier: a.affiliationIdentifier, affiliationIdentifierScheme: a.affiliationIdentifierScheme, schemeURI: a.schemeUri }),
    ).txt(lit(a.name));
  }
}

const num = (v: unknown) => (v == null ? undefined : String(v));

function geoLocation(parent: XMLBuilder, g: Record<string, unknown>) {
  const el = parent.ele('geoLocation');
  if (typeof g.geoLocationPlace === 'string') el.ele('geoLocationPlace').txt(lit(g.geoLocationPlace));
  const point = (tag: string, p: Record<string, unknown>) => {
    const pe = el.ele(tag);
    pe.ele('pointLongitude').txt(lit(num(p.pointLongitude) ?? ''));
    pe.ele('pointLatitude').txt(lit(num(p.pointLatitude) ?? ''));
    return pe;
  };
  if (g.geoLocationPoint) point('geoLocationPoint', g.geoLocationPoint as Record<string, unknown>);
  const box = g.geoLocationBox as Record<string, unknown> | undefined;
  if (box) {
    const be = el.ele('geoLocationBox');
    for (const k of ['westBoundLongitude', 'eastBoundLongitude', 'southBoundLatitude', 'northBoundLatitude']) be.ele(k).txt(lit(num(box[k]) ?? ''));
  }
  const polygons = (g.geoLocationPolygon ?? []) as Record<string, unknown>[] | Record<string, unknown>;
  // The JSON form is either one polygon (a list of {polygonPoint}/{inPolygonPoint}) or a list of them.
  const asList =
    Array.isArray(polygons) && polygons.length && Array.isArray(polygons[0])
      ? (polygons as unknown as Record<string, unknown>[][])
      : [polygons as Record<string, unknown>[]];
  for (const polygon of asList) {
    if (!Array.isArray(polygon) || !polygon.length) continue;
    const pe = el.ele('geoLocationPolygon');
    for (const p of polygon) {
      for (const tag of ['polygonPoint', 'inPolygonPoint']) {
        const pt = p[tag] as Record<string, unknown> | undefined;
        if (!pt) continue;
        const e = pe.ele(tag);
        e.ele('pointLongitude').txt(lit(num(pt.pointLongitude) ?? ''));
        e.ele('pointLatitude').txt(lit(num(pt.pointLatitude) ?? ''));
      }
    }
  }
}

function fundingReference(parent: XMLBuilder, f: Record<string, unknown>) {
  const el = parent.ele('fundingReference');
  el.ele('funderName').txt(lit(String(f.funderName ?? '')));
  if (f.funderIdentifier) {
    el.ele('funderIdentifier', clean({ funderIdentifierType: (f.funderIdentifierType as string) ?? 'Other', schemeURI: f.schemeUri as string })).txt(
      lit(String(f.funderIdentifier)),
    );
  }
  if (f.awardNumber || f.awardUri) el.ele('awardNumber', clean({ awardURI: f.awardUri as string })).txt(lit(String(f.awardNumber ?? '')));
  if (f.awardTitle) el.ele('awardTitle').txt(lit(String(f.awardTitle)));
}

type RelatedItemName = { name?: string; nameType?: string; givenName?: string; familyName?: string; contributorType?: string };

/** A related item (kernel 4.4+): a resource named by its title and citation details, with or without an identifier of its own. */
function relatedItem(parent: XMLBuilder, r: Record<string, unknown>) {
  const el = parent.ele('relatedItem', clean({ relatedItemType: r.relatedItemType as string, relationType: r.relationType as string }));
  const id = r.relatedItemIdentifier as Record<string, string> | undefined;
  if (id?.relatedItemIdentifier) {
    el.ele(
      'relatedItemIdentifier',
      clean({
        relatedItemIdentifierType: id.relatedItemIdentifierType,
        relatedMetadataScheme: id.relatedMetadataScheme,
        schemeURI: id.schemeUri,
        schemeType: id.schemeType,
      }),
    ).txt(lit(id.relatedItemIdentifier));
  }
  const names = (wrapper: 'creators' | 'contributors', element: 'creator' | 'contributor') =>
    list(
      el,
      wrapper,
      (r[wrapper] as RelatedItemName[] | undefined)?.filter((n) => n.name),
      (w, n) => {
        const e = w.ele(element, element === 'contributor' ? { contributorType: n.contributorType ?? 'Other' } : {});
        e.ele(`${element}Name`, clean({ nameType: n.nameType })).txt(lit(n.name));
        if (n.givenName) e.ele('givenName').txt(lit(n.givenName));
        if (n.familyName) e.ele('familyName').txt(lit(n.familyName));
      },
    );
  names('creators', 'creator');
  list(el, 'titles', r.titles as { title: string; titleType?: string; lang?: string }[] | undefined, (w, t) =>
    w.ele('title', clean({ titleType: t.titleType, lang: t.lang })).txt(lit(t.title)),
  );
  for (const k of ['publicationYear', 'volume', 'issue', 'number', 'firstPage', 'lastPage', 'publisher', 'edition']) {
    if (r[k] != null && r[k] !== '') el.ele(k, k === 'number' ? clean({ numberType: r.numberType as string }) : {}).txt(lit(String(r[k])));
  }
  names('contributors', 'contributor');
}

/**
 * DataCite kernel-4 XML (valid against the 4.7 XSD) from DataCite JSON attributes.
 *
 * The kernel requires an <identifier>. A record with a DOI carries it as identifierType="DOI". A
 * record without one (OAI-PMH oai_datacite serves every public dataset, DOI or not) carries its
 * landing page as identifierType="URL": the XSD leaves identifierType open and the OpenAIRE
 * Guidelines for Data Archives name URL among the identifier types of oai_datacite records, so
 * harvesters read it as "no DOI yet" rather than as a bogus DOI. With neither, there is nothing
 * to identify the resource by and this throws.
 */
export function dataciteXml(a: DataciteAttributes): string {
  const doc = create({ version: '1.0', encoding: 'UTF-8' });
  const root = doc.ele(DATACITE_NS, 'resource').att(XSI, 'xsi:schemaLocation', SCHEMA_LOCATION);

  if (a.doi) root.ele('identifier', { identifierType: 'DOI' }).txt(lit(a.doi.toUpperCase()));
  else if (a.url) root.ele('identifier', { identifierType: 'URL' }).txt(lit(a.url));
  else throw new Error('DataCite XML needs a DOI or a landing page URL for <identifier>');

  list(root, 'creators', a.creators, (w, c) => name(w, 'creator', c));
  list(root, 'titles', a.titles, (w, t) => w.ele('title', clean({ titleType: t.titleType, lang: t.lang })).txt(lit(t.title)));
  if (a.publisher) {
    const p = a.publisher;
    root
      .ele(
        'publisher',
        clean({ publisherIdentifier: p.publisherIdentifier, publisherIdentifierScheme: p.publisherIdentifierScheme, schemeURI: p.schemeUri, lang: p.lang }),
      )
      .txt(lit(p.name));
  }
  if (a.publicationYear) root.ele('publicationYear').txt(lit(String(a.publicationYear)));
  if (a.types?.resourceTypeGeneral) root.ele('resourceType', { resourceTypeGeneral: a.types.resourceTypeGeneral }).txt(lit(a.types.resourceType ?? ''));

  list(root, 'subjects', a.subjects, (w, s) =>
    w
      .ele(
        'subject',
        clean({ subjectScheme: s.subjectScheme, schemeURI: s.schemeUri, valueURI: s.valueUri, classificationCode: s.classificationCode, lang: s.lang }),
      )
      .txt(lit(s.subject)),
  );
  list(root, 'contributors', a.contributors, (w, c) => name(w, 'contributor', c));
  list(root, 'dates', a.dates, (w, d) => w.ele('date', clean({ dateType: d.dateType, dateInformation: d.dateInformation })).txt(lit(d.date)));
  if (a.language) root.ele('language').txt(lit(a.language));
  list(root, 'alternateIdentifiers', a.alternateIdentifiers, (w, i) =>
    w.ele('alternateIdentifier', { alternateIdentifierType: i.alternateIdentifierType }).txt(lit(i.alternateIdentifier)),
  );
  list(root, 'relatedIdentifiers', a.relatedIdentifiers, (w, r) =>
    w
      .ele(
        'relatedIdentifier',
        clean({
          relatedIdentifierType: r.relatedIdentifierType,
          relationType: r.relationType,
          resourceTypeGeneral: r.resourceTypeGeneral,
          relatedMetadataScheme: r.relatedMetadataScheme,
          schemeURI: r.schemeUri,
          schemeType: r.schemeType,
        }),
      )
      .txt(lit(r.relatedIdentifier)),
  );
  list(root, 'sizes', a.sizes, (w, s) => w.ele('size').txt(lit(s)));
  list(root, 'formats', a.formats, (w, f) => w.ele('format').txt(lit(f)));
  if (a.version) root.ele('version').txt(lit(a.version));
  list(root, 'rightsList', a.rightsList, (w, r) =>
    w
      .ele(
        'rights',
        clean({
          rightsURI: r.rightsUri,
          rightsIdentifier: r.rightsIdentifier,
          rightsIdentifierScheme: r.rightsIdentifierScheme,
          schemeURI: r.schemeUri,
          lang: r.lang,
        }),
      )
      .txt(lit(r.rights ?? '')),
  );
  list(root, 'descriptions', a.descriptions, (w, d) =>
    w.ele('description', clean({ descriptionType: d.descriptionType, lang: d.lang })).txt(lit(d.description)),
  );
  list(root, 'geoLocations', a.geoLocations, geoLocation);
  list(root, 'fundingReferences', a.fundingReferences, fundingReference);
  list(root, 'relatedItems', a.relatedItems, relatedItem);
  return doc.end({ prettyPrint: true });
}
