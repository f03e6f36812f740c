import AdmZip from 'adm-zip';
import { Gunzip } from 'minizlib';
import { Parser, type ReadEntry } from 'tar';
import { inflateRawSync } from 'node:zlib';
import { FemtoError } from '../../errors.js';
import type { DirectoryInput, FileInput } from './imports.schema.js';

/**
 * Archives (`.zip`, `.tar.gz`) given where a format reads a directory: a HEPData submission travels
 * so. Everything is bounded before it is worked on: the archive's own size, its entry count (a zip's
 * from its end record, before any entry is listed), each path (no `..`, nothing absolute, at most
 * ARCHIVE_MAX_DEPTH deep, none twice), each entry's and the whole uncompressed size, counted as it
 * inflates, never taken from a header; a gzipped tar is read as it inflates and refused at the first
 * bound crossed; links, devices and anything but regular files and directories are refused. Nothing
 * is written to disk: entries are buffers, so a name can never reach outside.
 */

export const ARCHIVE_MAX_BYTES = 50 * 1024 * 1024;
export const ARCHIVE_MAX_ENTRIES = 2000;
export const ARCHIVE_MAX_ENTRY_BYTES = 20 * 1024 * 1024;
export const ARCHIVE_MAX_TOTAL_BYTES = 100 * 1024 * 1024;
export const ARCHIVE_MAX_DEPTH = 16;
/** Longest entry path, in characters (PATH_MAX): a pax header can carry a name of a megabyte, which every refusal would echo. */
export const ARCHIVE_MAX_PATH = 4096;

/** The bounds in words, for the OpenAPI document. */
export const ARCHIVE_BOUNDS = `A .zip or .tar.gz body is the directory it packs, for formats that read directories: at most ${ARCHIVE_MAX_BYTES} bytes as sent, ${ARCHIVE_MAX_ENTRIES} entries, ${ARCHIVE_MAX_ENTRY_BYTES} bytes per entry and ${ARCHIVE_MAX_TOTAL_BYTES} in all once inflated (counted as it inflates; a .tar.gz is refused at the first bound crossed), paths of at most ${ARCHIVE_MAX_PATH} characters and ${ARCHIVE_MAX_DEPTH} levels, each path once (/ and \\, letter case, NFC and NFD compared as one): 413 ARCHIVE_TOO_LARGE, 422 ARCHIVE_ENTRY_REFUSED (the pointer names the entry, the second of a repeated path) or 400 ARCHIVE_INVALID.`;

const ZIP = Buffer.from([0x50, 0x4b, 0x03, 0x04]);
const EMPTY_ZIP = Buffer.from([0x50, 0x4b, 0x05, 0x06]);
const GZIP = Buffer.from([0x1f, 0x8b]);

const kindOf = (bytes: Buffer): 'zip' | 'tar.gz' | undefined =>
  bytes.subarray(0, 4).equals(ZIP) || bytes.subarray(0, 4).equals(EMPTY_ZIP) ? 'zip' : bytes.subarray(0, 2).equals(GZIP) ? 'tar.gz' : undefined;

/** Whether the bytes are an archive this module reads (by their magic number, not a name or media type). */
export const isArchive = (bytes: Buffer) => kindOf(bytes) !== undefined;

const tooLarge = (archive: string, message: string, entry = '') =>
  new FemtoError('ARCHIVE_TOO_LARGE', `${archive}: ${message}`, [{ pointer: entry ? `${archive}!/${entry}` : archive, message }]);
const refusedEntry = (archive: string, entry: string, message: string) =>
  new FemtoError('ARCHIVE_ENTRY_REFUSED', `${archive}: the entry ${JSON.stringify(entry)} ${message}`, [{ pointer: `${archive}!/${entry}`, message }]);
const unreadable = (archive: string, message: string) =>
  new FemtoError('ARCHIVE_INVALID', `${archive} is not a readable archive: ${message}`, [{ pointer: archive, message }]);

/** The entry's path inside the archive, or a refusal: not too long, relative, no `.`/`..` segments, not too deep. */
function checkedPath(archive: string, raw: string): string {
  if (raw.length > ARCHIVE_MAX_PATH) throw refusedEntry(archive, `${raw.slice(0, 100)}…`, `is longer than ${ARCHIVE_MAX_PATH} characters`);
  if (/^([/\\]|[a-zA-Z]:)/.test(raw)) throw refusedEntry(archive, raw, 'has an absolute path');
  if (raw.includes('\0')) throw refusedEntry(archive, raw, 'has a NUL byte in its path');
  const segments = raw.split(/[/\\]/).filter((s, i, all) => s !== '' || i < all.length - 1);
  if (segments.some((s) => s === '..' || s === '.' || s === '')) throw refusedEntry(archive, raw, 'has a path leaving its place (. or .. segments)');
  if (segments.length > ARCHIVE_MAX_DEPTH) throw refusedEntry(archive, raw, `is nested deeper than ${ARCHIVE_MAX_DEPTH} levels`);
  return segments.join('/');
}

/**
 * The same file for every tool that unpacks the archive: `a/b`, `a\\b`, `A/B` and the NFC and NFD spellings of a
 * name land on one file on Windows and macOS file systems, where `unzip` and `tar x` keep the last entry and femto
 * would read the first.
 */
const sameFileKey = (path: string) => path.normalize('NFC').toLowerCase();

/** Refuses the second entry of an archive that names one file twice (a directory listed again is the same directory). */
function onePathOnce(archive: string) {
  const files = new Set<string>();
  const directories = new Set<string>();
  return (path: string, raw: string, directory: boolean) => {
    const key = sameFileKey(path);
    if (files.has(key) || (!directory && directories.has(key))) throw refusedEntry(archive, raw, 'names the same file as an earlier entry');
    (directory ? directories : files).add(key);
  };
}

/** zlib's own output bound: it stops inflating at `max` bytes, whatever the entry claims. */
function bounded<T>(archive: string, entry: string, max: number, inflate: () => T): T {
  try {
    return inflate();
  } catch (err) {
    if ((err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') throw tooLarge(archive, `inflates beyond ${max} bytes`, entry);
    throw unreadable(archive, `${entry ? `${entry}: ` : ''}${(err as Error).message}`);
  }
}

interface Counter {
  total: number;
  add(entry: string, bytes: number): void;
}

function counter(archive: string): Counter {
  return {
    total: 0,
    add(entry, bytes) {
      if (bytes > ARCHIVE_MAX_ENTRY_BYTES) throw tooLarge(archive, `an entry inflates beyond ${ARCHIVE_MAX_ENTRY_BYTES} bytes`, entry);
      this.total += bytes;
      if (this.total > ARCHIVE_MAX_TOTAL_BYTES) throw tooLarge(archive, `its entries inflate beyond ${ARCHIVE_MAX_TOTAL_BYTES} bytes in all`, entry);
    },
  };
}

type ArchiveFile = { path: string; read(): Buffer };

const S_IFMT = 0o170000;
const S_IFREG = 0o100000;
const S_IFDIR = 0o040000;

/** Zip entries are listed from the central directory; each is inflated when the format reads it, under the bounds. */
function zipFiles(archive: string, bytes: Buffer): ArchiveFile[] {
  let entries: AdmZip.IZipEntry[];
  try {
    // adm-zip reads the end record only; it lists the central directory (an object per entry) when asked for the
    // entries, so the count the end record states is checked first (listing 65,535 entries took seconds and 500 MB).
    const zip = new AdmZip(bytes);
    if (zip.getEntryCount() > ARCHIVE_MAX_ENTRIES) throw tooLarge(archive, `more than ${ARCHIVE_MAX_ENTRIES} entries`);
    entries = zip.getEntries();
  } catch (err) {
    if (err instanceof FemtoError) throw err;
    // adm-zip refuses a name given twice itself: the same refusal as for two spellings of one name.
    const twice = /^ADM-ZIP: Duplicate entry name "(.*)"$/s.exec((err as Error).message);
    if (twice) throw refusedEntry(archive, twice[1], 'names the same file as an earlier entry');
    throw unreadable(archive, (err as Error).message);
  }
  const count = counter(archive);
  const once = onePathOnce(archive);
  const files: ArchiveFile[] = [];
  for (const e of entries) {
    const path = checkedPath(archive, e.entryName);
    // Unix attributes (made on Unix: the high byte of "version made by" is 3) say what the entry is; a link's data is its target.
    const mode = e.header.made >> 8 === 3 ? (e.header.attr >>> 16) & S_IFMT : 0;
    if (mode && mode !== S_IFREG && mode !== S_IFDIR) throw refusedEntry(archive, e.entryName, 'is not a regular file or directory (a link or a device)');
    const directory = e.isDirectory || mode === S_IFDIR;
    once(path, e.entryName, directory);
    if (directory) continue;
    if (e.header.encrypted) throw refusedEntry(archive, e.entryName, 'is encrypted');
    if (e.header.method !== 0 && e.header.method !== 8)
      throw refusedEntry(archive, e.entryName, `uses compression method ${e.header.method} (only stored and deflate are read)`);
    files.push({
      path,
      read() {
        const room = Math.min(ARCHIVE_MAX_ENTRY_BYTES, ARCHIVE_MAX_TOTAL_BYTES - count.total);
        const compressed = e.getCompressedData();
        const data =
          e.header.method === 0 ? compressed : bounded(archive, e.entryName, room, () => inflateRawSync(compressed, { maxOutputLength: Math.max(room, 1) }));
        if (data.length > room) throw tooLarge(archive, `inflates beyond ${room} bytes`, e.entryName);
        count.add(e.entryName, data.length);
        return data;
      },
    });
  }
  return files;
}

/**
 * Compressed bytes given to zlib at a time: deflate expands at most about 1,032-fold, so what one step inflates stays
 * a few MB before the bounds look at it.
 */
const INFLATE_STEP = 4096;

/**
 * A gzipped tar, read as it inflates: zlib (minizlib, synchronously) feeds node-tar's parser step by step, the
 * inflated bytes counted as they come, and the first bound crossed (the whole stream, an entry, the entry count, a
 * path) stops the inflating.
 */
function tarFiles(archive: string, bytes: Buffer): ArchiveFile[] {
  const files: ArchiveFile[] = [];
  const once = onePathOnce(archive);
  let refusal: Error | undefined;
  let entries = 0;
  const parser = new Parser({
    strict: true,
    onReadEntry: (entry: ReadEntry) => {
      try {
        if (refusal) throw refusal;
        if (++entries > ARCHIVE_MAX_ENTRIES) throw tooLarge(archive, `more than ${ARCHIVE_MAX_ENTRIES} entries`);
        const path = checkedPath(archive, entry.path);
        once(path, entry.path, entry.type === 'Directory');
        if (entry.type === 'Directory') return entry.resume();
        if (entry.type !== 'File' && entry.type !== 'OldFile') throw refusedEntry(archive, entry.path, `is not a regular file or directory (${entry.type})`);
        // The bytes as they come, not the header's size.
        const chunks: Buffer[] = [];
        let size = 0;
        entry.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > ARCHIVE_MAX_ENTRY_BYTES) refusal ??= tooLarge(archive, `an entry inflates beyond ${ARCHIVE_MAX_ENTRY_BYTES} bytes`, entry.path);
          else chunks.push(chunk);
        });
        entry.on('end', () => {
          const data = Buffer.concat(chunks);
          files.push({ path, read: () => data });
        });
      } catch (err) {
        refusal ??= err as Error;
        entry.resume();
      }
    },
  });
  parser.on('error', (err: Error) => (refusal ??= unreadable(archive, err.message)));
  parser.on('warn', (_code: string, message: string) => (refusal ??= unreadable(archive, message)));
  // What follows the tar's end-of-archive blocks is not the parser's (it would gather it all, one copy per step), but
  // it is inflated still: the stream as a whole (headers, padding, the rest) inflates under the total bound.
  let ended = false;
  parser.on('eof', () => (ended = true));
  let inflated = 0;
  const gunzip = new Gunzip({});
  gunzip.on('data', (chunk: Buffer) => {
    if (refusal) return;
    inflated += chunk.length;
    if (inflated > ARCHIVE_MAX_TOTAL_BYTES) refusal = tooLarge(archive, `inflates beyond ${ARCHIVE_MAX_TOTAL_BYTES} bytes`);
    else if (!ended) parser.write(chunk);
  });
  gunzip.on('error', (err: unknown) => (refusal ??= unreadable(archive, (err as Error).message)));
  for (let at = 0; at < bytes.length && !refusal; at += INFLATE_STEP) gunzip.write(bytes.subarray(at, at + INFLATE_STEP));
  if (!refusal) gunzip.end();
  if (!refusal) parser.end();
  if (refusal) throw refusal;
  return files;
}

/**
 * The archive as the directory it packs, named after it without its extension (a HEPData archive
 * imports as its directory does); throws ARCHIVE_TOO_LARGE, ARCHIVE_ENTRY_REFUSED or ARCHIVE_INVALID,
 * naming the entry at fault.
 */
export function archiveDirectory(input: FileInput): DirectoryInput {
  const kind = kindOf(input.bytes);
  if (!kind) throw unreadable(input.name, 'neither a zip archive nor a gzipped tar');
  if (input.bytes.length > ARCHIVE_MAX_BYTES) throw tooLarge(input.name, `larger than ${ARCHIVE_MAX_BYTES} bytes`);
  const files = kind === 'zip' ? zipFiles(input.name, input.bytes) : tarFiles(input.name, input.bytes);
  return {
    kind: 'directory',
    name: input.name.replace(/\.(zip|tar\.gz|tgz)$/i, ''),
    files: files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)),
  };
}
