import t from 'tap';
import fc from 'fast-check';
import { makeApp, publishedDataset } from '../helpers/app.js';
import { parseOrcid } from '../../src/lib/identifiers.js';

t.test('cursor paging returns every visible record exactly once, for any page size and query', async (t) => {
  const a = await makeApp(t);
  const words = ['quark', 'gluon', 'lattice', 'plasma', 'vortex'];
  const made: { id: string; words: string[]; restricted: boolean }[] = [];
  for (let i = 0; i < 40; i++) {
    const mine = words.filter((_, w) => (i >> w) & 1);
    const restricted = i % 7 === 0;
    const id = await publishedDataset(a, { title: `set ${i} ${mine.join(' ')}`, accessLevel: restricted ? 'restricted' : 'open' });
    made.push({ id, words: mine, restricted });
  }
  await fc.assert(
    fc.asyncProperty(fc.integer({ min: 1, max: 17 }), fc.option(fc.constantFrom(...words), { nil: undefined }), fc.boolean(), async (limit, word, asReader) => {
      const expected = made
        .filter((m) => (!word || m.words.includes(word)) && (asReader || !m.restricted))
        .map((m) => m.id)
        .sort();
      const seen: string[] = [];
      let cursor: string | null = null;
      let total = -1;
      do {
        const qs = new URLSearchParams({ limit: String(limit), ...(word ? { q: word } : {}), ...(cursor ? { cursor } : {}) });
        const page: { items: { id: string }[]; nextCursor: string | null; total: number } = (
          await a.app.inject({ url: `/datasets?${qs}`, headers: asReader ? a.as.reader : {} })
        ).json();
        seen.push(...page.items.map((i) => i.id));
        total = page.total;
        cursor = page.nextCursor;
      } while (cursor);
      return JSON.stringify([...seen].sort()) === JSON.stringify(expected) && seen.length === new Set(seen).size && total === expected.length;
    }),
    { numRuns: 40 },
  );
});

t.test('ORCID parsing is idempotent and accepts only valid check digits', async (t) => {
  const checkDigit = (digits: string) => {
    let total = 0;
    for (const ch of digits) total = (total + Number(ch)) * 2;
    const r = (12 - (total % 11)) % 11;
    return r === 10 ? 'X' : String(r);
  };
  fc.assert(
    fc.property(fc.stringMatching(/^\d{15}$/), fc.boolean(), (digits, asUrl) => {
      const id = `${digits.slice(0, 4)}-${digits.slice(4, 8)}-${digits.slice(8, 12)}-${digits.slice(12)}${checkDigit(digits)}`;
      const parsed = parseOrcid(asUrl ? `https://orcid.org/${id}` : id);
      const wrong = id.slice(0, -1) + (checkDigit(digits) === '0' ? '1' : '0');
      return parsed === id && parseOrcid(parsed) === id && parseOrcid(wrong) === null;
    }),
  );
  t.pass('property held');
});
