import t from 'tap';
import { makeApp, publishedDataset } from '../helpers/app.js';

t.test('an embargo ending changes what anonymous callers see, with no write: cached answers follow it', async (t) => {
  const a = await makeApp(t);
  const until = new Date(Date.now() + 1500).toISOString();
  const id = await publishedDataset(a, {
    title: 'Embargoed heliostat frames',
    accessLevel: 'embargoed',
    embargoUntil: until,
    distributions: [{ urls: ['https://data.example.org/frames.h5'], mediaType: 'application/x-hdf5' }],
  });
  const urlsOf = async (url: string) => {
    const body = (await a.app.inject({ url })).json();
    const record = body.items ? body.items[0] : body;
    return record.distributions[0].urls as string[];
  };
  t.same(await urlsOf(`/datasets/${id}`), [], 'record: no file URL during the embargo');
  t.same(await urlsOf('/datasets?q=heliostat'), [], 'search: no file URL during the embargo');
  t.match((await a.app.inject({ url: `/datasets/${id}`, headers: { accept: 'text/html' } })).body, 'Available after the embargo ends');
  await new Promise((r) => setTimeout(r, Date.parse(until) - Date.now() + 50));
  t.same(await urlsOf(`/datasets/${id}`), ['https://data.example.org/frames.h5'], 'record: the URL once it ended');
  t.same(await urlsOf('/datasets?q=heliostat'), ['https://data.example.org/frames.h5'], 'search: the URL once it ended');
  t.notMatch((await a.app.inject({ url: `/datasets/${id}`, headers: { accept: 'text/html' } })).body, 'Available after the embargo ends');
});

t.test('a cached search page lives until the first embargo on it ends, not the last', async (t) => {
  const a = await makeApp(t);
  const soon = new Date(Date.now() + 1500).toISOString();
  const frames = (name: string) => [{ urls: [`https://data.example.org/${name}.h5`], mediaType: 'application/x-hdf5' }];
  await publishedDataset(a, { id: 'soon', title: 'Heliostat frames, soon', accessLevel: 'embargoed', embargoUntil: soon, distributions: frames('soon') });
  await publishedDataset(a, {
    id: 'later',
    title: 'Heliostat frames, later',
    accessLevel: 'embargoed',
    embargoUntil: '2999-01-01',
    distributions: frames('later'),
  });
  const urls = async () =>
    Object.fromEntries(
      ((await a.app.inject('/datasets?q=heliostat')).json().items as { id: string; distributions: { urls: string[] }[] }[]).map((i) => [
        i.id,
        i.distributions[0].urls,
      ]),
    );
  t.same(await urls(), { soon: [], later: [] });
  await new Promise((r) => setTimeout(r, Date.parse(soon) - Date.now() + 50));
  t.same(await urls(), { soon: ['https://data.example.org/soon.h5'], later: [] }, 'the first embargo ended: its files are listed');
});
