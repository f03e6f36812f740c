import type { HepdataTable } from '../hepdata.schema.js';

/** The columns of a record's HEPData tables as schema.org variables (name and unit as written), each once. */
export function hepdataVariablesMeasured(tables: readonly HepdataTable[]): Record<string, unknown>[] {
  const seen = new Set<string>();
  return tables
    .flatMap((t) => [...t.independentVariables, ...t.dependentVariables])
    .filter((v) => {
      const key = `${v.name}\n${v.units ?? ''}`;
      return !seen.has(key) && !!seen.add(key);
    })
    .map((v) => ({ '@type': 'PropertyValue', name: v.name, ...(v.units ? { unitText: v.units } : {}) }));
}
