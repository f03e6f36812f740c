import t from 'tap';
import type { AddressInfo } from 'node:net';
import oaiPmh from 'oai-pmh';
import { makeApp } from '../helpers/app.js';
import { assertAllValid, oaiXsd } from '../helpers/validators.js';

const { OaiPmh } = oaiPmh;

/** The npm OAI-PMH harvester, keeping each raw page it was served so that every one can be schema-checked. */
class RecordingHarvester extends OaiPmh {
  readonly pages: string[] = [];
  override async request(options: unknown) {
    const res = await super.request(options);
    this.pages.push(res.body);
    return res;
  }
}

t.test('an npm OAI-PMH harvester walks every resumption token of the bundled catalog; every page is schema-valid', async (t) => {
  const a = await makeApp(t, { FEMTO_SEED_ON_EMPTY: 'true', FEMTO_OAI_PAGE_SIZE: '15' });
  await a.app.listen({ port: 0, host: '127.0.0.1' });
  const oai = `http://127.0.0.1:${(a.app.server.address() as AddressInfo).port}/oai`;
  const expected: string[] = (await a.app.inject({ url: '/catalog?limit=500&format=jsonld' }))
    .json()
    .dataset.map((d: { isPartOf: string }) => d.isPartOf.split('/').pop());

  for (const metadataPrefix of ['oai_dc', 'oai_datacite']) {
    const harvester = new RecordingHarvester(oai, { retry: false });
    const identify = await harvester.identify();
    t.match(identify, { protocolVersion: '2.0', deletedRecord: 'persistent' }, 'Identify answers');
    const ids: string[] = [];
    for await (const record of harvester.listRecords({ metadataPrefix })) ids.push(String(record.header.identifier).split(':').pop()!);
    t.ok(harvester.pages.length > 6, `${metadataPrefix}: ${harvester.pages.length} pages, one resumption token each`);
    t.same([...ids].sort(), [...expected].sort(), `${metadataPrefix}: every public record, each once`);
    await assertAllValid(
      t,
      oaiXsd,
      new Map(harvester.pages.map((page, i) => [`${metadataPrefix} page ${i}`, page])),
      `${metadataPrefix}: OAI-PMH with its payload schemas`,
    );
  }
});
