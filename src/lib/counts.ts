import { z } from 'zod';

/** Bytes and counts of physics data outgrow 2^53 (10 PB is 10^16 bytes); SQLite keeps 64-bit integers. */
export const bigCount = z
  .number()
  .nonnegative()
  .lt(2 ** 63)
  .refine(Number.isInteger, 'must be a whole number');
