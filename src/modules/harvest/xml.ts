import { xmlChars } from '../../lib/xml-chars.js';

/** Text and attribute escaping for XML built as strings (the OAI hot path builds no DOM). */
const XML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

export const escapeXml = (s: string) => xmlChars(s).replace(/[&<>"']/g, (c) => XML_ESCAPES[c]);

/** `<name attr="...">text</name>`, or nothing for an empty value. */
export const element = (name: string, text: string | null | undefined, attrs: Record<string, string | undefined> = {}) =>
  text == null || text === '' ? '' : `<${name}${attributes(attrs)}>${escapeXml(text)}</${name}>`;

export const attributes = (attrs: Record<string, string | number | undefined>) =>
  Object.entries(attrs)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => ` ${k}="${escapeXml(String(v))}"`)
    .join('');
