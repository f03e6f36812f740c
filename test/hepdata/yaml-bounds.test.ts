import t from 'tap';
import type { FemtoError } from '../../src/errors.js';
import { readSubmission, YAML_MAX_BYTES, YAML_MAX_NODES } from '../../src/modules/hepdata/hepdata.submission.js';

const MiB = 1024 * 1024;
const submission = '---\nname: "Table 1"\ndescription: d\nkeywords: []\ndata_file: data1.yaml\n';

/** A table as hepdata_lib writes one: a binned variable, a measured one with a statistical and an asymmetric systematic error. */
function table(rows: number): string {
  let y = 'independent_variables:\n- header: {name: PT, units: GEV}\n  values:\n';
  for (let i = 0; i < rows; i++) y += `  - {low: ${i}.0, high: ${i + 1}.0}\n`;
  y += 'dependent_variables:\n- header: {name: D(SIG)/DPT, units: FB/GEV}\n  qualifiers:\n  - {name: SQRT(S), units: GEV, value: 13000}\n  values:\n';
  for (let i = 0; i < rows; i++)
    y += `  - value: ${(1 + i * 1.2345).toFixed(4)}\n    errors:\n    - {symerror: 0.53, label: stat}\n    - {asymerror: {plus: 0.1, minus: -0.2}, label: sys}\n`;
  return y;
}

/** Reads a submission of one table: the refusal, how long it took and how far the resident set grew at its peak. */
function read(data: string) {
  const files = [
    { path: 'submission.yaml', read: () => Buffer.from(submission) },
    { path: 'data1.yaml', read: () => Buffer.from(data) },
  ];
  const before = process.resourceUsage().maxRSS;
  const started = performance.now();
  let refusal: FemtoError | undefined;
  let rows: number | undefined;
  try {
    rows = readSubmission({ name: 'sub', single: false, files }, { maxDepth: 64 }).tables[0].rowCount;
  } catch (err) {
    refusal = err as FemtoError;
  }
  return { refusal, rows, ms: performance.now() - started, growthMiB: (process.resourceUsage().maxRSS - before) / 1024 };
}

t.test('a YAML file over its byte bound is refused before it is parsed', async (t) => {
  // 5 MB of table took 24 s and 885 MB to parse.
  const big = table(32_000);
  t.ok(big.length > 2 * YAML_MAX_BYTES, `${(big.length / MiB).toFixed(1)} MiB of table`);
  const { refusal, ms, growthMiB } = read(big);
  t.match(refusal, { code: 'PAYLOAD_TOO_LARGE', status: 413, errors: [{ pointer: 'sub/data1.yaml#/' }] });
  t.match(refusal?.message, new RegExp(`sub/data1\\.yaml: ${big.length} bytes of YAML; at most ${YAML_MAX_BYTES} are read`));
  t.ok(growthMiB < 100, `refused with ${Math.round(growthMiB)} MiB of growth`);
  t.ok(ms < 2000, `refused in ${Math.round(ms)} ms`);

  const single = readSubmission.bind(
    null,
    { name: 'request', single: true, files: [{ path: 'request', read: () => Buffer.from(`${submission}${big}`) }] },
    { maxDepth: 64 },
  );
  t.throws(single, { code: 'PAYLOAD_TOO_LARGE', errors: [{ pointer: 'request#/' }] }, 'the single-file form is one file');
});

t.test('a YAML file within its byte bound but of more nodes than allowed is refused before they are built', async (t) => {
  // Flow style packs a node into two or three bytes, where tables written by tools take about five.
  const values = (v: string) => `[${Array.from({ length: 70_000 }, () => `{value: ${v}}`).join(',')}]`;
  const dense = `independent_variables:\n- header: {name: x}\n  values: ${values('1')}\ndependent_variables:\n- header: {name: y}\n  values: ${values('2')}\n`;
  t.ok(dense.length < YAML_MAX_BYTES, `${(dense.length / MiB).toFixed(1)} MiB`);
  const { refusal, ms, growthMiB } = read(dense);
  t.match(refusal, { code: 'PAYLOAD_TOO_LARGE', errors: [{ pointer: 'sub/data1.yaml#/' }] });
  t.match(refusal?.message, new RegExp(`more than ${YAML_MAX_NODES} YAML nodes`));
  t.ok(growthMiB < 100, `refused with ${Math.round(growthMiB)} MiB of growth`);
  t.ok(ms < 5000, `refused in ${Math.round(ms)} ms`);
});

t.test('a table of tens of thousands of rows within the bounds is read whole', async (t) => {
  let rows = 12_000;
  while (table(rows + 500).length < YAML_MAX_BYTES) rows += 500;
  const { refusal, rows: read_ } = read(table(rows));
  t.equal(refusal, undefined, refusal?.message);
  t.equal(read_, rows, `${rows} rows, ${(table(rows).length / MiB).toFixed(2)} MiB`);
});
