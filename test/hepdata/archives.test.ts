import t from 'tap';
import AdmZip from 'adm-zip';
import { cpSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { create as createTar, Header, Pax } from 'tar';
import { importCommand } from '../../src/modules/imports/imports.cli.js';
import { ARCHIVE_MAX_ENTRIES, ARCHIVE_MAX_ENTRY_BYTES, ARCHIVE_MAX_PATH, ARCHIVE_MAX_TOTAL_BYTES } from '../../src/modules/imports/archive.js';
import { makeApp, type TestApp } from '../helpers/app.js';
import { requires, shared } from '../helpers/external.js';
import { tarFile } from '../helpers/archives.js';

const fixture = shared('fixtures', 'real', 'hepdata', 'submission-ATLAS-ZZ');
const admin = { id: 'cli', role: 'admin' } as const;
const TOP = 'submission-ATLAS-ZZ';

/** The real submission as HEPData packs it: its files under one top directory. */
function submissionZip(replace: Record<string, Buffer> = {}): AdmZip {
  const zip = new AdmZip();
  for (const f of readdirSync(fixture.path)) zip.addFile(`${TOP}/${f}`, replace[f] ?? readFileSync(join(fixture.path, f)));
  return zip;
}

/** A gzipped tar of a directory made in the test's own folder (node-tar, as `tar czf` does). */
function tarGz(t: Parameters<Parameters<typeof t.test>[1]>[0], fill: (dir: string) => void, paths = [TOP]): Buffer {
  const dir = t.testdir({});
  fill(dir);
  const file = join(dir, 'out.tar.gz');
  createTar({ gzip: true, sync: true, file, cwd: dir, preservePaths: true }, paths);
  return readFileSync(file);
}
const withSubmission = (dir: string) => cpSync(fixture.path, join(dir, TOP), { recursive: true });

const post = (a: TestApp, body: Buffer, type: string) =>
  a.app.inject({ method: 'POST', url: '/import/hepdata', headers: { ...a.as.curator, 'content-type': type }, payload: body });
const problem = (res: { statusCode: number; json(): { code: string; errors: { pointer: string }[] } }) => ({
  status: res.statusCode,
  code: res.json().code,
  pointers: res.json().errors.map((e) => e.pointer),
});
const datasetCount = async (a: TestApp) => (await a.app.inject({ url: '/datasets?limit=1', headers: a.as.admin })).json().total as number;

t.test('a HEPData submission imports from .zip and .tar.gz as from its directory', requires(t, fixture), async (t) => {
  const a = await makeApp(t);
  const dir = t.testdir({});
  const zipFile = join(dir, `${TOP}.zip`);
  writeFileSync(zipFile, submissionZip().toBuffer());
  const out: string[] = [];
  const [counts] = await importCommand(a.app.femto.imports, admin, ['hepdata', zipFile], {}, { out: (l) => out.push(l) });
  t.match(counts, { created: 1, refused: 0 }, out.join('\n'));
  const id = /create dataset (\S+)/.exec(out[0])![1];
  t.match(id, /^hepdata-submission-atlas-zz-[0-9a-f]{10}$/, 'named after the directory the archive packs, as a directory import is');
  const record = (await a.app.inject({ url: `/datasets/${id}` })).json();
  t.same(
    record.hepdataTables.map((x: { name: string }) => x.name),
    ['Table 1', 'Table 2', 'Table 3', 'Table 4', 'Table 5', 'Table 6', 'Table 7', 'Table 8'],
  );

  const again = await post(a, submissionZip().toBuffer(), 'application/zip');
  t.equal(again.statusCode, 200, again.body);
  t.match(again.json(), { created: 0, unchanged: 1 }, 'the same submission over HTTP changes nothing');
  const gz = await post(a, tarGz(t, withSubmission), 'application/gzip');
  t.match(gz.json(), { unchanged: 1, refused: 0 }, 'nor as a .tar.gz');

  const fresh = await makeApp(t);
  const created = await post(fresh, tarGz(t, withSubmission), 'application/gzip');
  t.equal(created.statusCode, 201, created.body);
  t.equal((await fresh.app.inject({ url: `/datasets/${id}` })).json().hepdataTables.length, 8);
});

t.test('hostile archives are refused before work, naming the entry; nothing is written', requires(t, fixture), async (t) => {
  const a = await makeApp(t);
  const zipWith = (name: string, data: Buffer, edit?: (e: AdmZip.IZipEntry) => void) => {
    const zip = submissionZip();
    const entry = zip.addFile(`${TOP}/${name.replace(/\.\./g, 'xx')}`, data);
    if (edit) edit(entry);
    return zip.toBuffer();
  };

  // A zip bomb: a data file of a few kB that inflates past the bound for one entry (entries no format reads are never inflated).
  const bomb = submissionZip({ 'data1.yaml': Buffer.alloc(ARCHIVE_MAX_ENTRY_BYTES + 1) }).toBuffer();
  t.ok(bomb.length < 100_000, `the bomb is ${bomb.length} bytes`);
  const started = process.hrtime.bigint();
  t.same(problem(await post(a, bomb, 'application/zip')), { status: 413, code: 'ARCHIVE_TOO_LARGE', pointers: [`request!/${TOP}/data1.yaml`] });
  t.ok(Number(process.hrtime.bigint() - started) / 1e6 < 5000, 'refused in well under 5 s');

  // The same bomb whose headers claim 10 bytes: the count is of what inflates.
  const lying = Buffer.from(bomb);
  for (let at = lying.indexOf('PK\x01\x02'); at >= 0; at = lying.indexOf('PK\x01\x02', at + 4)) {
    if (lying.subarray(at + 46, at + 46 + lying.readUInt16LE(at + 28)).toString() === `${TOP}/data1.yaml`) lying.writeUInt32LE(10, at + 24);
  }
  t.same(problem(await post(a, lying, 'application/zip')).code, 'ARCHIVE_TOO_LARGE', 'a lying header changes nothing');

  const traversal = zipWith('../evil.yaml', Buffer.from('x'), (e) => (e.entryName = '../evil.yaml'));
  t.same(problem(await post(a, traversal, 'application/zip')), { status: 422, code: 'ARCHIVE_ENTRY_REFUSED', pointers: ['request!/../evil.yaml'] });
  const absolute = zipWith('abs.yaml', Buffer.from('x'), (e) => (e.entryName = '/etc/abs.yaml'));
  t.same(problem(await post(a, absolute, 'application/zip')).pointers, ['request!//etc/abs.yaml']);

  const symlink = zipWith('data1.link', Buffer.from('../../../etc/passwd'), (e) => {
    e.header.made = (3 << 8) | 20; // made on Unix
    e.attr = (0o120777 << 16) >>> 0; // S_IFLNK
  });
  const link = await post(a, symlink, 'application/zip');
  t.same(problem(link), { status: 422, code: 'ARCHIVE_ENTRY_REFUSED', pointers: [`request!/${TOP}/data1.link`] });
  t.match(link.json().detail, /not a regular file or directory/);

  const many = new AdmZip();
  for (let i = 0; i <= ARCHIVE_MAX_ENTRIES; i++) many.addFile(`f/${i}.yaml`, Buffer.from(''));
  t.same(problem(await post(a, many.toBuffer(), 'application/zip')), { status: 413, code: 'ARCHIVE_TOO_LARGE', pointers: ['request'] });

  // tar.gz: a symbolic link, a path leaving the archive, a gzip bomb.
  const tarLink = tarGz(t, (dir) => {
    withSubmission(dir);
    symlinkSync('/etc/passwd', join(dir, TOP, 'data9.yaml'));
  });
  t.same(problem(await post(a, tarLink, 'application/gzip')), { status: 422, code: 'ARCHIVE_ENTRY_REFUSED', pointers: [`request!/${TOP}/data9.yaml`] });
  const tarEscape = tarGz(
    t,
    (dir) => {
      mkdirSync(join(dir, 'inner'));
      withSubmission(join(dir, 'inner'));
      writeFileSync(join(dir, 'evil.yaml'), 'x');
    },
    [`inner/${TOP}`, 'inner/../evil.yaml'],
  );
  t.same(problem(await post(a, tarEscape, 'application/gzip')).pointers, ['request!/inner/../evil.yaml']);
  const gzBomb = gzipSync(Buffer.alloc(ARCHIVE_MAX_TOTAL_BYTES + 1));
  t.same(problem(await post(a, gzBomb, 'application/gzip')), { status: 413, code: 'ARCHIVE_TOO_LARGE', pointers: ['request'] });
  t.same(problem(await post(a, Buffer.from('PK\x03\x04 not really a zip'), 'application/zip')).code, 'ARCHIVE_INVALID');

  t.equal(await datasetCount(a), 0, 'nothing of any of them was written');
});

/** A gzipped tar of one file whose path a pax extended header gives (as GNU tar and node-tar write paths past 255 bytes). */
function paxTarGz(path: string): Buffer {
  const file = new Header({ path: 'placeholder', type: 'File', size: 1, mode: 0o644, mtime: new Date(0) });
  file.encode();
  return gzipSync(
    Buffer.concat([
      new Pax({ path, mtime: new Date(0) } as ConstructorParameters<typeof Pax>[0]).encode(),
      file.block!,
      Buffer.alloc(512, 'x'),
      Buffer.alloc(1024),
    ]),
  );
}

t.test('an entry name longer than a path may be is refused before anything is read, and not echoed whole', async (t) => {
  const a = await makeApp(t);
  const long = `sub/${'a'.repeat(600_000)}.yaml`;
  const body = paxTarGz(long);
  t.ok(body.length < 2000, `a request of ${body.length} bytes`);
  const res = await post(a, body, 'application/gzip');
  t.same(problem(res).status, 422);
  t.equal(res.json().code, 'ARCHIVE_ENTRY_REFUSED');
  t.match(res.json().detail, new RegExp(`longer than ${ARCHIVE_MAX_PATH} characters`));
  t.ok(res.body.length < 10_000, `the answer is ${res.body.length} bytes`);
  t.ok(res.json().errors[0].pointer.startsWith('request!/sub/aaaa'), 'the pointer names the entry by its beginning');

  const fits = paxTarGz(`sub/${'b'.repeat(ARCHIVE_MAX_PATH - 4)}`);
  t.not((await post(a, fits, 'application/gzip')).json().code, 'ARCHIVE_ENTRY_REFUSED', 'a name of the longest length allowed is read');
});

t.test('an archive naming one path twice is refused, naming the second entry: two tools would read two submissions', requires(t, fixture), async (t) => {
  const a = await makeApp(t);
  const other = Buffer.from(readFileSync(join(fixture.path, 'data1.yaml'), 'utf8').replace('7000', '8000'));
  // femto read the first data1.yaml, `unzip` and `tar x` leave the last on disk.
  const zipWith = (second: string) => {
    const zip = submissionZip();
    zip.addFile(`${TOP}/placeholder`, other).entryName = second;
    return zip.toBuffer();
  };
  for (const second of [`${TOP}/data1.yaml`, `${TOP}\\data1.yaml`, `${TOP}/Data1.yaml`]) {
    const res = await post(a, zipWith(second), 'application/zip');
    t.same(problem(res), { status: 422, code: 'ARCHIVE_ENTRY_REFUSED', pointers: [`request!/${second}`] }, JSON.stringify(second));
    t.match(res.json().detail, /names the same file as an earlier entry/);
  }
  const files = readdirSync(fixture.path).map((f) => tarFile(`${TOP}/${f}`, readFileSync(join(fixture.path, f))));
  const tarTwice = gzipSync(Buffer.concat([...files, tarFile(`${TOP}/data1.yaml`, other), Buffer.alloc(1024)]));
  t.same(problem(await post(a, tarTwice, 'application/gzip')), { status: 422, code: 'ARCHIVE_ENTRY_REFUSED', pointers: [`request!/${TOP}/data1.yaml`] });
  // The same name in NFC and NFD (é as one code point, or e and a combining accent): one file on macOS.
  const nfc = gzipSync(
    Buffer.concat([...files, tarFile(`${TOP}/r\u00e9sum\u00e9.txt`, other), tarFile(`${TOP}/re\u0301sume\u0301.txt`, other), Buffer.alloc(1024)]),
  );
  t.same(problem(await post(a, nfc, 'application/gzip')).pointers, [`request!/${TOP}/re\u0301sume\u0301.txt`]);
  t.equal(await datasetCount(a), 0, 'nothing was written');

  const once = gzipSync(Buffer.concat([...files, Buffer.alloc(1024)]));
  t.equal((await post(a, once, 'application/gzip')).statusCode, 201, 'each path once is read');
});
