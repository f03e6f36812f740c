import { z } from 'zod';

/** `femto db copy` options, checked before anything is opened. */
export const copyOptions = z.object({
  from: z.string().min(1),
  to: z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL'),
  batchRows: z.coerce.number().int().min(1).max(10000),
});
