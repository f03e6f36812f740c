import { z } from 'zod';

/** DataCite's state-changing events on a DOI (draft -> registered -> findable, findable -> registered by hiding). */
export const doiEvent = z.enum(['register', 'publish', 'hide']);
export type DoiEvent = z.infer<typeof doiEvent>;
