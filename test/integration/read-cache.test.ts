import t from 'tap';
import type { Test } from 'tap';
import { makeApp, publishedDataset } from '../helpers/app.js';

/**
 * Reads what `during` sees of records whose embargo ends `ms` after they are made, and starts again with a longer
 * embargo when a loaded machine took so long that the embargo had ended before `during` finished (what it saw would
 * then prove nothing). Returns the embargo's end and what was seen while it held.
 */
async function duringEmbargo<T>(t: Test, make: (until: string, attempt: number) => Promise<void>, during: (attempt: number) => Promise<T>) {
  for (const [attempt, ms] of [1500, 5000, 15000].entries()) {
    const until = new Date(Date.now() + ms).toISOString();
    await make(until, attempt);
    const seen = await during(attempt);
    if (Date.now() < Date.parse(until)) return { until, seen };
    t.comment(`the machine was too slow for a ${ms} ms embargo; again with a longer one`);
  }
  throw new Error('every embargo ended before the checks made during it had finished');
}

const sleepUntil = (iso: string) => new Promise((r) => setTimeout(r, Date.parse(iso) - Date.now() + 50));

t.test('an embargo ending changes what anonymous callers see, with no write: cached answers follow it', async (t) => {
  const a = await makeApp(t);
  let id = '';
  const urlsOf = async (url: string) => {
    const body = (await a.app.inject({ url })).json();
    const record = body.items ? body.items.find((i: { id: string }) => i.id === id) : body;
    return record.distributions[0].urls as string[];
  };
  const html = async () => (await a.app.inject({ url: `/datasets/${id}`, headers: { accept: 'text/html' } })).body;
  const { until, seen } = await duringEmbargo(
    t,
    async (until, attempt) => {
      id = await publishedDataset(a, {
        title: `Embargoed heliostat frames ${attempt}`,
        accessLevel: 'embargoed',
        embargoUntil: until,
        distributions: [{ urls: ['https://data.example.org/frames.h5'], mediaType: 'application/x-hdf5' }],
      });
    },
    async () => ({ record: await urlsOf(`/datasets/${id}`), search: await urlsOf('/datasets?q=heliostat'), html: await html() }),
  );
  t.same(seen.record, [], 'record: no file URL during the embargo');
  t.same(seen.search, [], 'search: no file URL during the embargo');
  t.match(seen.html, 'Available after the embargo ends');
  await sleepUntil(until);
  t.same(await urlsOf(`/datasets/${id}`), ['https://data.example.org/frames.h5'], 'record: the URL once it ended');
  t.same(await urlsOf('/datasets?q=heliostat'), ['https://data.example.org/frames.h5'], 'search: the URL once it ended');
  t.notMatch(await html(), 'Available after the embargo ends');
});

t.test('a cached search page lives until the first embargo on it ends, not the last', async (t) => {
  const a = await makeApp(t);
  const frames = (name: string) => [{ urls: [`https://data.example.org/${name}.h5`], mediaType: 'application/x-hdf5' }];
  const urls = async (q: string) =>
    Object.fromEntries(
      ((await a.app.inject(`/datasets?q=${q}`)).json().items as { id: string; distributions: { urls: string[] }[] }[]).map((i) => [
        i.id,
        i.distributions[0].urls,
      ]),
    );
  let q = '';
  let attempt = 0;
  const { until: soon, seen } = await duringEmbargo(
    t,
    async (until, n) => {
      [attempt, q] = [n, `heliostat${n}`];
      await publishedDataset(a, { id: `soon-${n}`, title: `Frames ${q}, soon`, accessLevel: 'embargoed', embargoUntil: until, distributions: frames('soon') });
      await publishedDataset(a, {
        id: `later-${n}`,
        title: `Frames ${q}, later`,
        accessLevel: 'embargoed',
        embargoUntil: '2999-01-01',
        distributions: frames('later'),
      });
    },
    () => urls(q),
  );
  t.same(seen, { [`soon-${attempt}`]: [], [`later-${attempt}`]: [] }, 'no files while both embargoes hold');
  await sleepUntil(soon);
  t.same(
    await urls(q),
    { [`soon-${attempt}`]: ['https://data.example.org/soon.h5'], [`later-${attempt}`]: [] },
    'the first embargo ended: its files are listed',
  );
});
