/** What every error answer must look like, by channel: problem+json (REST), JSON:API errors (/dois, as DataCite), GraphQL errors (/graphql). */
export function errorShapeProblems(path: string, res: { statusCode: number; headers: Record<string, unknown>; body: string }): string[] {
  const type = String(res.headers['content-type'] ?? '');
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(res.body);
  } catch {
    return [`${res.statusCode} body is not JSON (${type}): ${res.body.slice(0, 100)}`];
  }
  // The router refuses some URLs before any route (hence any channel) is known: those are problem+json everywhere.
  const beforeRouting = type.startsWith('application/problem+json') && ['MALFORMED_URL', 'URI_TOO_LONG', 'ROUTE_NOT_FOUND'].includes(body.code as string);
  if (path.startsWith('/graphql') && !beforeRouting) return graphqlErrorProblems(res.statusCode, body);
  if (path.startsWith('/dois') && !beforeRouting) {
    const errors = body.errors as { status?: unknown; title?: unknown }[] | undefined;
    if (!type.startsWith('application/vnd.api+json')) return [`${res.statusCode} /dois error is ${type}, not JSON:API`];
    if (!Array.isArray(errors) || !errors.every((e) => e.status === String(res.statusCode) && typeof e.title === 'string'))
      return [`${res.statusCode} /dois errors[] malformed: ${res.body.slice(0, 200)}`];
    return [];
  }
  if (!type.startsWith('application/problem+json')) return [`${res.statusCode} is ${type}, not problem+json: ${res.body.slice(0, 200)}`];
  if (body.status !== res.statusCode || typeof body.code !== 'string' || typeof body.type !== 'string' || typeof body.title !== 'string')
    return [`${res.statusCode} problem body malformed: ${res.body.slice(0, 200)}`];
  return [];
}

/** GraphQL over HTTP: errors is a non-empty list of {message, locations?, path?}; a 4xx has no data entry, a 200 has one. */
export function graphqlErrorProblems(status: number, body: Record<string, unknown> | Record<string, unknown>[]): string[] {
  if (Array.isArray(body)) return body.flatMap((b) => graphqlErrorProblems(200, b));
  const out: string[] = [];
  const errors = body.errors as { message?: unknown; locations?: unknown; path?: unknown }[] | undefined;
  if (errors !== undefined) {
    if (!Array.isArray(errors) || errors.length === 0) out.push('errors is not a non-empty list');
    else
      for (const e of errors) {
        if (typeof e.message !== 'string') out.push(`error without a message: ${JSON.stringify(e)}`);
        if (
          e.locations !== undefined &&
          !(
            Array.isArray(e.locations) && e.locations.every((l: { line?: unknown; column?: unknown }) => Number.isInteger(l.line) && Number.isInteger(l.column))
          )
        )
          out.push('malformed locations');
        if (e.path !== undefined && !Array.isArray(e.path)) out.push('malformed path');
      }
  }
  if (status >= 400 && 'data' in body) out.push(`${status} carries a data entry`);
  if (status === 200 && !('data' in body)) out.push('200 without a data entry');
  if (status >= 400 && !errors) out.push(`${status} without errors`);
  return out;
}
