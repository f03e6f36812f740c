import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';

/**
 * Stateless resumption tokens: everything the next page needs (the fixed snapshot bound, the
 * keyset position, the list size) travels in the token, HMAC-signed so a harvester cannot
 * forge a position or extend an expiry.
 */
const tokenState = z
  .object({
    verb: z.enum(['ListRecords', 'ListIdentifiers']),
    prefix: z.string(),
    set: z.string().optional(),
    from: z.string().optional(),
    /** Exclusive upper datestamp bound fixed by the first request: records added later wait for the next harvest. */
    before: z.string(),
    after: z.tuple([z.string(), z.string()]),
    cursor: z.number().int().nonnegative(),
    total: z.number().int().nonnegative(),
    expires: z.number().int(),
  })
  .strict();

export type TokenState = z.infer<typeof tokenState>;

export function createTokenCodec(secret?: string) {
  // Without a configured secret tokens are valid for this process only; harvesters then restart the list.
  const key = secret ?? randomBytes(32).toString('hex');
  const sign = (payload: string) => createHmac('sha256', key).update(payload).digest('base64url').slice(0, 22);
  return {
    encode(state: TokenState): string {
      const payload = Buffer.from(JSON.stringify(state)).toString('base64url');
      return `${payload}.${sign(payload)}`;
    },
    /** The state, or a reason why the token is not acceptable. */
    decode(token: string, now = Date.now()): TokenState | string {
      const [payload, mac, ...rest] = token.split('.');
      if (!payload || !mac || rest.length) return 'is malformed';
      const expected = Buffer.from(sign(payload));
      const given = Buffer.from(mac);
      if (expected.length !== given.length || !timingSafeEqual(expected, given)) return 'is not one this repository issued';
      let json: unknown;
      try {
        json = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
      } catch {
        return 'is malformed';
      }
      const parsed = tokenState.safeParse(json);
      if (!parsed.success) return 'is malformed';
      if (parsed.data.expires < now) return `expired at ${new Date(parsed.data.expires).toISOString()}`;
      return parsed.data;
    },
  };
}
