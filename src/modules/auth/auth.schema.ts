import { z } from 'zod';
import { slugPattern } from '../../lib/ids.js';

export const ROLES = ['reader', 'curator', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export interface Actor {
  /** The credentials: 'anonymous', 'admin-env' for FEMTO_ADMIN_TOKEN, 'cli', else the token id. */
  id: string;
  role: Role | 'anonymous';
  /** The user the credentials act for (null or absent: nobody's records are this caller's own). */
  user?: string | null;
  /** The user's groups, as of this request. */
  groups?: readonly string[];
}

/** femto's own users, made by the migration that introduced users. */
export const ADMIN_USER = 'admin';
export const DEFAULT_USER = 'default';
export const CATALOG_USER = 'catalog';

export const anonymous: Actor = { id: 'anonymous', role: 'anonymous', user: null, groups: [] };
/** femto itself, describing records to a registrar or checking a reference a curator wrote: sees every version. */
export const system: Actor = { id: 'system', role: 'admin', user: ADMIN_USER, groups: [] };
/** The command line acts as the admin user. */
export const cliActor: Actor = { id: 'cli', role: 'admin', user: ADMIN_USER, groups: [] };

const rank = { anonymous: 0, reader: 1, curator: 2, admin: 3 } as const;

export const hasRole = (actor: Actor, needed: Role) => rank[actor.role] >= rank[needed];

const slug = (what: string) => z.string().regex(slugPattern, `must be a lowercase slug [a-z0-9-] naming the ${what}`);
export const userId = slug('user');
export const groupId = slug('group');

export const createTokenBody = z
  .object({
    role: z.enum(ROLES),
    label: z.string().max(200).optional(),
    user: userId.optional().describe(`the user the token acts for (default: '${DEFAULT_USER}')`),
  })
  .strict();

export const createUserBody = z.object({ id: userId, name: z.string().trim().min(1).max(200), email: z.email().max(320).optional() }).strict();

export const createGroupBody = z.object({ id: groupId, name: z.string().trim().min(1).max(200), description: z.string().trim().max(2000).optional() }).strict();

export const userRecord = z.object({ id: z.string(), name: z.string(), email: z.string().nullable(), groups: z.array(z.string()), createdAt: z.string() });
export const groupRecord = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  members: z.array(z.string()),
  createdAt: z.string(),
});

export type CreateUserInput = z.infer<typeof createUserBody>;
export type CreateGroupInput = z.infer<typeof createGroupBody>;
export type UserRecord = z.infer<typeof userRecord>;
export type GroupRecord = z.infer<typeof groupRecord>;
