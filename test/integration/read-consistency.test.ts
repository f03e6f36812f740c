import t from 'tap';
import { setTimeout as sleep } from 'node:timers/promises';
import { makeApp, minimalDataset } from '../helpers/app.js';
import type { Actor } from '../../src/modules/auth/auth.schema.js';

const admin: Actor = { id: 'admin', role: 'admin' };

t.test("a write made while a read's batch awaits between two statements is seen by none of its statements", async (t) => {
  const a = await makeApp(t);
  const { datasets, reader } = a.app.femto;
  const { pk, datasetId: id } = await datasets.create(admin, minimalDataset({ title: 'Before the patch', keywords: ['before'] }));

  // The write waits for the read to be half done: after the record's rows, before the last read extension's statements.
  let halfway!: () => void;
  const readHalfDone = new Promise<void>((resolve) => (halfway = resolve));
  let written = false;
  const seenLater: string[] = [];
  reader.extend({
    async load(actor, items) {
      if (!items.some((i) => i.pk === pk)) return;
      halfway();
      // Long enough for the write to run to its commit when nothing holds it back; it must not be waited for, as
      // a read that holds a snapshot is what holds it back.
      for (let i = 0; i < 50 && !written; i++) await sleep(2);
      seenLater.push((await datasets.recordsFor(actor, [pk])).get(pk)!.title);
    },
  });

  const reading = reader.load(admin, [pk]);
  await readHalfDone;
  const writing = datasets.patch(admin, id, { title: 'After the patch', keywords: ['after'] }, '*').then(() => (written = true));
  const [item] = await reading;
  await writing;

  t.equal(item.record.title, 'Before the patch', "the record's row from before the write");
  t.same(item.record.keywords, ['before'], 'its terms from the same moment');
  t.same(seenLater, ['Before the patch'], 'a statement after the wait sees the same moment, not the write');
  t.equal((await datasets.get(admin, id)).record.title, 'After the patch', 'the write was made, after the read');
});
