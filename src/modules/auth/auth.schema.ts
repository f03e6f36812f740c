import { z } from 'zod';

export const ROLES = ['reader', 'curator', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export interface Actor {
  /** 'anonymous', 'admin-env' for FEMTO_ADMIN_TOKEN, else the token id. */
  id: string;
  role: Role | 'anonymous';
}

export const anonymous: Actor = { id: 'anonymous', role: 'anonymous' };
/** femto itself, describing records to a registrar or checking a reference a curator wrote: sees every version. */
export const system: Actor = { id: 'system', role: 'admin' };

const rank = { anonymous: 0, reader: 1, curator: 2, admin: 3 } as const;

export const hasRole = (actor: Actor, needed: Role) => rank[actor.role] >= rank[needed];
/** Readers and up see restricted records; anonymous callers never do. */
export const canSeeRestricted = (actor: Actor) => hasRole(actor, 'reader');
/** Drafts are work in progress: only those who may write see them. */
export const canSeeDrafts = (actor: Actor) => hasRole(actor, 'curator');

export const createTokenBody = z.object({ role: z.enum(ROLES), label: z.string().max(200).optional() }).strict();
