import { constants, gzipSync } from 'node:zlib';
import { Header } from 'tar';

/**
 * Archives written byte by byte, for what no archiver writes on purpose: more entries than a zip tool would make
 * in a test's time, a gzip stream that breaks off after a given point.
 */

/** A stored zip of `count` empty entries named by `name(i)`, written as PKWARE's APPNOTE (4.3) lays it out. */
export function zipOfEmptyEntries(count: number, name = (i: number) => `f/${i}`): Buffer {
  const local: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (let i = 0; i < count; i++) {
    const n = Buffer.from(name(i));
    const l = Buffer.alloc(30);
    l.writeUInt32LE(0x04034b50, 0);
    l.writeUInt16LE(10, 4);
    l.writeUInt16LE(n.length, 26);
    const c = Buffer.alloc(46);
    c.writeUInt32LE(0x02014b50, 0);
    c.writeUInt16LE(10, 4);
    c.writeUInt16LE(10, 6);
    c.writeUInt16LE(n.length, 28);
    c.writeUInt32LE(offset, 42);
    local.push(l, n);
    central.push(c, n);
    offset += l.length + n.length;
  }
  const directory = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(Math.min(count, 0xffff), 8);
  end.writeUInt16LE(Math.min(count, 0xffff), 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...local, directory, end]);
}

/** One tar header block (ustar) of a regular file. */
export function tarHeader(path: string, size: number): Buffer {
  const header = new Header({ path, type: 'File', size, mode: 0o644, mtime: new Date(0) });
  header.encode();
  return header.block!;
}

/** A tar member: its header, its bytes, the padding to a block. */
export const tarFile = (path: string, data: Buffer) => Buffer.concat([tarHeader(path, data.length), data, Buffer.alloc((512 - (data.length % 512)) % 512)]);

/**
 * The gzip of `prefix` with no end: the stream is flushed but not finished, and bytes follow that are no deflate
 * block (block type 3 is reserved). A reader that inflates it all before looking at it fails; one that stops at a
 * bound crossed within the prefix never reaches them.
 */
export const brokenOffGzip = (prefix: Buffer) => Buffer.concat([gzipSync(prefix, { finishFlush: constants.Z_SYNC_FLUSH }), Buffer.alloc(64, 0xff)]);
