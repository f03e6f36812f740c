// Characters XML 1.0 cannot carry at all, even escaped.
// eslint-disable-next-line no-control-regex
const INVALID_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;

/** The text without what XML 1.0 cannot carry (controls, U+FFFE, U+FFFF), which curators and imported files may hold. */
export const xmlChars = (s: string) => s.replace(INVALID_XML, '');
