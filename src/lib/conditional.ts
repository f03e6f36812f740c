/**
 * `If-None-Match` against a representation's current tag (RFC 9110 §13.1.2): weak comparison over a
 * list, `*` matching any current representation.
 */
export const noneMatch = (ifNoneMatch: string | undefined, etag: string | undefined): boolean =>
  !!ifNoneMatch && !!etag && (ifNoneMatch.trim() === '*' || ifNoneMatch.split(',').some((t) => t.trim().replace(/^W\//, '') === etag));
