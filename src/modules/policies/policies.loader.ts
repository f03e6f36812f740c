import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { StartError } from '../../start-errors.js';
import { policyFile, type PolicyFile } from './policies.schema.js';

/** A policy file that cannot be used: the start stops with the file, the line and the JSON pointer at fault. */
export class PolicyError extends StartError {
  constructor(file: string, line: number | null, pointer: string, problem: string) {
    super(`FEMTO_POLICY_DIR: ${file}${line ? ` line ${line}` : ''}${pointer ? ` ${pointer}` : ''}: ${problem}`);
    this.name = 'PolicyError';
  }
}

export interface LoadedPolicy {
  file: string;
  content: PolicyFile;
  /** The line of the node at a path (for problems found after parsing, e.g. an unknown gate). */
  lineOf(path: (string | number)[]): number | null;
}

const pointerOf = (path: readonly PropertyKey[]) => (path.length ? `/${path.map((p) => String(p).replace(/~/g, '~0').replace(/\//g, '~1')).join('/')}` : '/');

/** Reads and checks every *.yaml / *.yml file of the policy directory, in name order. */
export function loadPolicies(dir: string): LoadedPolicy[] {
  let names: string[];
  try {
    names = readdirSync(dir)
      .filter((f) => /\.ya?ml$/.test(f))
      .sort();
  } catch (err) {
    throw new StartError(`FEMTO_POLICY_DIR: cannot read the policy directory ${dir} (${(err as Error).message})`);
  }
  const loaded = names.map((name): LoadedPolicy => {
    const file = basename(dir) ? `${basename(dir)}/${name}` : name;
    const lines = new LineCounter();
    const doc = parseDocument(readFileSync(join(dir, name), 'utf8'), { lineCounter: lines, prettyErrors: false });
    if (doc.errors.length) {
      const e = doc.errors[0];
      throw new PolicyError(file, lines.linePos(e.pos[0]).line, '', `not valid YAML (${e.message.split('\n')[0]})`);
    }
    const lineOf = (path: (string | number)[]): number | null => {
      // The deepest node that exists on the path: a missing key is reported at its parent.
      for (let n = path.length; n >= 0; n--) {
        const node = doc.getIn(path.slice(0, n), true) as { range?: [number, number, number] } | undefined;
        if (node?.range) return lines.linePos(node.range[0]).line;
      }
      return null;
    };
    const parsed = policyFile.safeParse(doc.toJS());
    if (!parsed.success) {
      const [first, ...more] = parsed.error.issues;
      const path = first.path.filter((p): p is string | number => typeof p !== 'symbol');
      throw new PolicyError(
        file,
        lineOf(path),
        pointerOf(first.path),
        `${first.message}${more.length ? ` (and ${more.length} more problem${more.length > 1 ? 's' : ''})` : ''}`,
      );
    }
    return { file, content: parsed.data, lineOf };
  });
  loaded.forEach((p, i) => {
    const earlier = loaded.findIndex((o) => o.content.policy === p.content.policy);
    if (earlier !== i) throw new PolicyError(p.file, p.lineOf(['policy']), '/policy', `repeats policy '${p.content.policy}' of ${loaded[earlier].file}`);
  });
  return loaded;
}
