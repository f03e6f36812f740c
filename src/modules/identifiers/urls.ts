import { FemtoError, type FieldError } from '../../errors.js';
import { isAllowedUrl, URL_REFUSED } from '../../lib/urls.js';

/**
 * DataCite attributes arrive loose (a client may send any of DataCite's properties): their URL
 * fields, the landing page and related identifiers of type URL, pass the same allowlist as every
 * other URL field before anything is stored. `base` is the JSON pointer of the attributes object.
 */
export function assertAllowedUrls(attributes: { url?: unknown; relatedIdentifiers?: unknown }, base: string): void {
  const refused: FieldError[] = [];
  if (typeof attributes.url === 'string' && !isAllowedUrl(attributes.url)) refused.push({ pointer: `${base}/url`, message: URL_REFUSED });
  if (Array.isArray(attributes.relatedIdentifiers)) {
    attributes.relatedIdentifiers.forEach((r: { relatedIdentifierType?: unknown; relatedIdentifier?: unknown } | null, i) => {
      if (r?.relatedIdentifierType === 'URL' && (typeof r.relatedIdentifier !== 'string' || !isAllowedUrl(r.relatedIdentifier))) {
        refused.push({ pointer: `${base}/relatedIdentifiers/${i}/relatedIdentifier`, message: URL_REFUSED });
      }
    });
  }
  if (refused.length) throw new FemtoError('VALIDATION_FAILED', refused.map((e) => `${e.pointer}: ${e.message}`).join('; '), refused);
}
