import t from 'tap';
import { FemtoError } from '../../src/errors.js';
import { readQcdml } from '../../src/modules/lattice/qcdml.js';

const ROOT = '<gaugeConfiguration xmlns="http://www.lqcd.org/ildg/QCDml/config2.0"><dataLFN>lfn://x</dataLFN></gaugeConfiguration>';

t.test('a document type or entity declaration is refused wherever it stands, before anything is parsed', async (t) => {
  const padding = `<!-- ${'x'.repeat(5000)} -->`;
  for (const [what, xml] of [
    ['at the start', `<?xml version="1.0"?><!DOCTYPE gaugeConfiguration [<!ENTITY e "boom">]>${ROOT}`],
    [
      'after a long comment that names a QCDml root',
      `<?xml version="1.0"?><!-- ${ROOT} -->${padding}<!DOCTYPE gaugeConfiguration [<!ENTITY e "boom">]>${ROOT}`,
    ],
    ['an entity declaration alone', `<?xml version="1.0"?>${padding}<!ENTITY e "boom">${ROOT}`],
  ]) {
    let thrown: unknown;
    try {
      readQcdml('config.xml', Buffer.from(xml));
    } catch (err) {
      thrown = err;
    }
    t.ok(thrown instanceof FemtoError, `${what}: refused`);
    t.match((thrown as FemtoError).message, /document type declaration is not allowed/, `${what}: as a declaration`);
  }
});
