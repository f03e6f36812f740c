import Negotiator from 'negotiator';
import { FemtoError } from '../errors.js';

export interface Representation<C> {
  /** The media type sent in Content-Type, parameters included (e.g. a JSON-LD profile). */
  mediaType: string;
  /** Short name for `?format=`, the fallback for clients that cannot set Accept. */
  format: string;
  /** A profile URI that `Accept: type; profile="..."` selects (RFC 6906). */
  profile?: string;
  render(context: C): string | Promise<string>;
}

/**
 * Representations of one kind of resource, keyed by media type. Modules register theirs at
 * start-up; the route only negotiates and renders.
 */
export class RepresentationRegistry<C> {
  private readonly items: Representation<C>[] = [];

  register(r: Representation<C>): void {
    if (this.items.some((i) => i.format === r.format)) throw new Error(`representation '${r.format}' registered twice`);
    this.items.push(r);
  }

  offered(): string[] {
    return this.items.map((i) => i.mediaType);
  }

  all(): readonly Representation<C>[] {
    return this.items;
  }

  /**
   * `?format=` wins; otherwise the Accept header, profiles included. Returns undefined when the
   * caller accepts nothing offered, so that the route can answer 406 with the list.
   */
  choose(accept: string | undefined, format: string | undefined): Representation<C> | undefined {
    if (format) return this.items.find((i) => i.format === format);
    if (!accept || accept.trim() === '') return this.items[0];
    const wantedProfiles = profilesIn(accept);
    const bareTypes = [...new Set(this.items.map((i) => baseType(i.mediaType)))];
    // Negotiator would only match an offered type carrying the same parameters; profiles are matched below.
    const withoutProfiles = accept.replace(/;\s*profile\s*=\s*("[^"]*"|[^;,]*)/gi, '');
    const preferred = new Negotiator({ headers: { accept: withoutProfiles } }).mediaTypes(bareTypes);
    for (const type of preferred) {
      const candidates = this.items.filter((i) => baseType(i.mediaType) === type);
      const profile = wantedProfiles.get(type);
      const byProfile = profile ? candidates.find((c) => c.profile && profile.includes(c.profile)) : undefined;
      return byProfile ?? candidates.find((c) => !c.profile) ?? candidates[0];
    }
    return undefined;
  }

  /** The 406 of a failed `choose`; the pointer names what was refused: `?format=` when given, else Accept. */
  notAcceptable(format?: string): FemtoError {
    const offered = this.offered();
    const formats = this.items.map((i) => i.format);
    const error = format
      ? { pointer: 'querystring/format', message: `'${format}' is not one of ${formats.join(', ')}` }
      : { pointer: 'headers/accept', message: `accepts none of ${offered.join(', ')}` };
    return new FemtoError('NOT_ACCEPTABLE', `Offered: ${offered.join(', ')}`, [error], { offered, formats });
  }
}

const baseType = (mediaType: string) => mediaType.split(';')[0].trim().toLowerCase();

function profilesIn(accept: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of accept.split(',')) {
    const m = /profile\s*=\s*"?([^";]+)"?/i.exec(part);
    if (m) out.set(baseType(part), m[1]);
  }
  return out;
}
