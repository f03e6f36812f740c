import { z } from 'zod';

/**
 * The one allowlist of URL schemes femto stores and links to: the web, FTP, the object stores and
 * the ROOT/XRootD protocol physics data lives on, and DOI or Handle forms. Anything else
 * (javascript:, data:, file:, vbscript:, ...) could run or read something in a reader's browser
 * once rendered as a link, so no URL field accepts it and no page links it.
 */
export const URL_SCHEMES = ['http', 'https', 'ftp', 's3', 'gs', 'root', 'xroot', 'xrootd', 'doi', 'hdl'] as const;

const schemes = new Set<string>(URL_SCHEMES);
/** doi:10.1234/x and hdl:20.500.12345/x have no authority; every other scheme names a host. */
const opaque = new Set<string>(['doi', 'hdl']);

export const MAX_URL_LENGTH = 2000;

export function isAllowedUrl(value: string): boolean {
  // WHATWG parsing strips tabs, newlines and leading control characters a browser would too:
  // refuse them rather than store something that reads differently from what is linked.
  // eslint-disable-next-line no-control-regex -- control characters are what this refuses
  if (value.length > MAX_URL_LENGTH || /[\u0000-\u0020\u007f-\u009f]/.test(value)) return false;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  const scheme = url.protocol.slice(0, -1).toLowerCase();
  if (!schemes.has(scheme)) return false;
  return opaque.has(scheme) ? /^(doi:10\.\d{4,9}\/|hdl:\d[\w.]*\/)\S+$/i.test(value) : url.hostname !== '';
}

export const URL_REFUSED = `must be a URL with one of the schemes ${URL_SCHEMES.join(', ')}`;

/** Every URL field of every request body. */
export const allowedUrl = z.string().max(MAX_URL_LENGTH).refine(isAllowedUrl, URL_REFUSED);

/** How a URL is reached: its scheme, lower case (https, root, s3, ...). */
export const protocolOf = (url: string) => url.slice(0, url.indexOf(':')).toLowerCase();
