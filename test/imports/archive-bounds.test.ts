import t from 'tap';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { ARCHIVE_MAX_ENTRIES, ARCHIVE_MAX_ENTRY_BYTES, ARCHIVE_MAX_TOTAL_BYTES, archiveDirectory } from '../../src/modules/imports/archive.js';
import { FemtoError } from '../../src/errors.js';
import { brokenOffGzip, tarFile, tarHeader, zipOfEmptyEntries } from '../helpers/archives.js';

const archiveModule = new URL('../../src/modules/imports/archive.ts', import.meta.url).href;
const MiB = 1024 * 1024;

/**
 * How much the resident set of a fresh process grows at its peak while femto reads an archive (the file at `path`),
 * and the code it was refused with: measured in a child so that nothing else the test process did sets the peak.
 */
function readInChild(path: string): { growthMiB: number; code: string } {
  const script = `
    import { readFileSync } from 'node:fs';
    import { archiveDirectory } from ${JSON.stringify(archiveModule)};
    const bytes = readFileSync(${JSON.stringify(path)});
    const before = process.resourceUsage().maxRSS;
    let code = 'read';
    try { archiveDirectory({ kind: 'file', name: 'request', bytes }); } catch (err) { code = err.code; }
    console.log(JSON.stringify({ growthMiB: (process.resourceUsage().maxRSS - before) / 1024, code }));
  `;
  const r = spawnSync(process.execPath, ['--import=tsx', '--input-type=module', '-e', script], {
    cwd: fileURLToPath(new URL('../..', import.meta.url)),
    encoding: 'utf8',
    env: { ...process.env, NODE_OPTIONS: '' },
  });
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout) as { growthMiB: number; code: string };
}

const refusal = (bytes: Buffer) => {
  try {
    archiveDirectory({ kind: 'file', name: 'request', bytes });
  } catch (err) {
    if (err instanceof FemtoError) return { code: err.code, pointers: err.errors.map((e) => e.pointer) };
    throw err;
  }
  return { code: 'read', pointers: [] };
};

t.test('a .tar.gz is read as it inflates: an entry past its bound is refused before the rest is inflated', async (t) => {
  const dir = t.testdir({});
  // One entry of 90 MB of zeros (under the bound for the whole archive, far over the one for an entry): 90 kB as sent.
  const size = 90 * MiB;
  const bomb = join(dir, 'bomb.tar.gz');
  writeFileSync(bomb, gzipSync(Buffer.concat([tarHeader('sub/zeros.yaml', size), Buffer.alloc(size), Buffer.alloc(1024)])));
  const read = readInChild(bomb);
  t.equal(read.code, 'ARCHIVE_TOO_LARGE');
  t.ok(
    read.growthMiB < 3 * (ARCHIVE_MAX_ENTRY_BYTES / MiB),
    `refused after ${Math.round(read.growthMiB)} MiB of growth (the entry bound is 20 MiB, the entry 90)`,
  );

  // The bytes after the bound are no gzip at all: a reader that inflated everything first would call the archive unreadable.
  const entry = Buffer.alloc(ARCHIVE_MAX_ENTRY_BYTES + 10 * MiB);
  t.same(refusal(brokenOffGzip(Buffer.concat([tarHeader('sub/big.yaml', entry.length), entry]))), {
    code: 'ARCHIVE_TOO_LARGE',
    pointers: ['request!/sub/big.yaml'],
  });
  // Bytes that do not compress put the broken end well after the bound (zlib is given a few kB at a time).
  const after = tarFile('sub/after.bin', randomBytes(64 * 1024));
  const many = Array.from({ length: ARCHIVE_MAX_ENTRIES + 1 }, (_, i) => tarFile(`sub/${i}.yaml`, Buffer.from('x')));
  t.same(refusal(brokenOffGzip(Buffer.concat([...many, after]))), { code: 'ARCHIVE_TOO_LARGE', pointers: ['request'] }, 'the entry count likewise');
  t.same(
    refusal(brokenOffGzip(Buffer.concat([tarFile('sub/../../etc/passwd', Buffer.from('x')), after]))),
    { code: 'ARCHIVE_ENTRY_REFUSED', pointers: ['request!/sub/../../etc/passwd'] },
    'and a path leaving the archive',
  );
  t.same(
    refusal(gzipSync(Buffer.alloc(ARCHIVE_MAX_TOTAL_BYTES + 1))),
    { code: 'ARCHIVE_TOO_LARGE', pointers: ['request'] },
    'the tar stream as a whole is bounded too',
  );
  t.same(refusal(brokenOffGzip(tarFile('sub/a.yaml', Buffer.from('x')))).code, 'ARCHIVE_INVALID', 'a stream that breaks off within bounds is unreadable');
});

t.test('a zip is refused by the entry count its end record states, before any entry is listed', async (t) => {
  const dir = t.testdir({});
  // 6 MB as sent; listing its entries took seconds and hundreds of MB.
  const path = join(dir, 'many.zip');
  writeFileSync(path, zipOfEmptyEntries(65_535));
  const read = readInChild(path);
  t.equal(read.code, 'ARCHIVE_TOO_LARGE');
  t.ok(read.growthMiB < 50, `refused after ${Math.round(read.growthMiB)} MiB of growth`);

  // A count past the bound is refused whatever the central directory holds after it.
  const claims = zipOfEmptyEntries(ARCHIVE_MAX_ENTRIES + 1);
  const end = claims.length - 22;
  const garbled = Buffer.from(claims).fill(0, claims.readUInt32LE(end + 16) + 100, end);
  t.same(refusal(garbled), { code: 'ARCHIVE_TOO_LARGE', pointers: ['request'] });
  t.same(refusal(zipOfEmptyEntries(ARCHIVE_MAX_ENTRIES)).code, 'read', 'as many entries as allowed are read');
});
