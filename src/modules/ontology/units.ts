import { Parser, Store, type Term } from 'n3';
import { readFileSync } from 'node:fs';
import { FemtoError } from '../../errors.js';
import { projectPath } from '../../paths.js';

const QUDT = 'http://qudt.org/schema/qudt/';
const UNIT = 'http://qudt.org/vocab/unit/';
const RDFS_LABEL = 'http://www.w3.org/2000/01/rdf-schema#label';

export interface Unit {
  iri: string;
  label: string;
  symbol: string | null;
  /** SI value = value * multiplier + offset (QUDT conversionMultiplier / conversionOffset). */
  multiplier: number;
  offset: number;
  dimensionVector: string;
  quantityKind: string | null;
}

export const unitsPath = () => projectPath('vocab', 'qudt-units.ttl');

/** The QUDT units femto can convert between (vocab/qudt-units.ttl), looked up by IRI, `unit:X`, X or symbol. */
export class UnitRegistry {
  private readonly byKey = new Map<string, Unit>();
  readonly all: Unit[] = [];

  constructor(path = unitsPath()) {
    const store = new Store(new Parser().parse(readFileSync(path, 'utf8')));
    const one = (s: Term, p: string) => store.getObjects(s, p, null)[0]?.value;
    for (const s of store.getSubjects('http://www.w3.org/1999/02/22-rdf-syntax-ns#type', QUDT + 'Unit', null)) {
      const unit: Unit = {
        iri: s.value,
        label: one(s, RDFS_LABEL) ?? s.value,
        symbol: one(s, QUDT + 'symbol') ?? null,
        multiplier: Number(one(s, QUDT + 'conversionMultiplier') ?? 1),
        offset: Number(one(s, QUDT + 'conversionOffset') ?? 0),
        dimensionVector: one(s, QUDT + 'hasDimensionVector') ?? '',
        quantityKind: one(s, QUDT + 'hasQuantityKind') ?? null,
      };
      this.all.push(unit);
      const local = unit.iri.slice(UNIT.length);
      for (const key of [unit.iri, local, `unit:${local}`, unit.symbol]) if (key && !this.byKey.has(key)) this.byKey.set(key, unit);
    }
  }

  get(ref: string): Unit | undefined {
    return this.byKey.get(ref.trim());
  }

  /** Converts `value` from one unit to another; 422 when their dimensions differ. */
  convert(value: number, from: Unit, to: Unit, pointer = '/unit'): number {
    if (from.iri === to.iri) return value;
    this.assertCompatible(from, to, pointer);
    return (value * from.multiplier + from.offset - to.offset) / to.multiplier;
  }

  /** A difference (an uncertainty, a tolerance) converts without the offsets. */
  convertInterval(value: number, from: Unit, to: Unit, pointer = '/unit'): number {
    if (from.iri === to.iri) return value;
    this.assertCompatible(from, to, pointer);
    return (value * from.multiplier) / to.multiplier;
  }

  compatible(a: Unit, b: Unit): boolean {
    return a.dimensionVector === b.dimensionVector;
  }

  private assertCompatible(from: Unit, to: Unit, pointer: string) {
    if (!this.compatible(from, to)) {
      throw new FemtoError('UNPROCESSABLE', `Unit ${from.iri} cannot be converted to ${to.iri}: different dimensions`, [
        {
          pointer,
          message: `incompatible with ${to.symbol ?? to.iri} (${from.quantityKind ?? from.dimensionVector} vs ${to.quantityKind ?? to.dimensionVector})`,
        },
      ]);
    }
  }
}
