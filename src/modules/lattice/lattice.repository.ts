import type { Database } from '../../db/port.js';
import type { QcdmlConfiguration } from './qcdml.js';

export type ConfigurationFields = Omit<QcdmlConfiguration, 'kind' | 'qcdmlVersion'>;

const COLUMNS = [
  'markovChainUri',
  'lfn',
  'series',
  'markovStep',
  'avePlaquette',
  'crcChecksum',
  'precision',
  'codeName',
  'codeVersion',
  'machine',
  'generatedAt',
] as const;

/** Gauge configurations, by logical file name (the lattice_configurations table). */
export function createLatticeRepository(db: Database) {
  const byLfn = db.prepare(`
    SELECT markov_chain_uri AS markovChainUri, lfn, series, markov_step AS markovStep, ave_plaquette AS avePlaquette, crc_checksum AS crcChecksum, precision,
           code_name AS codeName, code_version AS codeVersion, machine, generated_at AS generatedAt
      FROM lattice_configurations WHERE lfn = ?`);
  const insert = db.prepare(`
    INSERT INTO lattice_configurations (markov_chain_uri, lfn, series, markov_step, ave_plaquette, crc_checksum, precision, code_name, code_version, machine, generated_at, created_by)
    VALUES (@markovChainUri, @lfn, @series, @markovStep, @avePlaquette, @crcChecksum, @precision, @codeName, @codeVersion, @machine, @generatedAt, @createdBy)`);
  const update = db.prepare(`
    UPDATE lattice_configurations SET series = @series, markov_step = @markovStep, ave_plaquette = @avePlaquette, crc_checksum = @crcChecksum, precision = @precision,
           code_name = @codeName, code_version = @codeVersion, machine = @machine, generated_at = @generatedAt
     WHERE lfn = @lfn`);

  const row = (c: ConfigurationFields) => Object.fromEntries(COLUMNS.map((k) => [k, c[k] ?? null]));

  return {
    /** The configuration recorded under a logical file name, as stated (absent fields left out). */
    async configuration(lfn: string): Promise<ConfigurationFields | undefined> {
      const r = (await byLfn.get(lfn)) as Record<string, unknown> | undefined;
      return r && (Object.fromEntries(Object.entries(r).filter(([, v]) => v !== null)) as unknown as ConfigurationFields);
    },
    async insert(c: ConfigurationFields, createdBy: string): Promise<void> {
      await insert.run({ ...row(c), createdBy });
    },
    async update(c: ConfigurationFields): Promise<void> {
      await update.run(row(c));
    },
  };
}

export type LatticeRepository = ReturnType<typeof createLatticeRepository>;
