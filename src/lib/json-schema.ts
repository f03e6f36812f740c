import type { ErrorObject } from 'ajv';
import type { FieldError } from '../errors.js';

/** Ajv's errors as femto's field errors: a JSON pointer under `base`, and what is wrong there. */
export const schemaFieldErrors = (errors: ErrorObject[] | null | undefined, base: string): FieldError[] =>
  (errors ?? []).map((e) => ({
    pointer: `${base}${e.instancePath}` || '/',
    message: `${e.message ?? 'is not valid'}${e.params && 'additionalProperty' in e.params ? ` (${String(e.params.additionalProperty)})` : ''}`,
  }));
