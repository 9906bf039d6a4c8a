/**
 * Real PNG files for attachment tests, made here (no fixtures): a solid colour, or noise that
 * does not compress (to make a file of a given size). Both decode in any image library.
 */
import { randomBytes } from 'node:crypto';
import { crc32, deflateSync } from 'node:zlib';

function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'ascii');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])) >>> 0, 0);
  return Buffer.concat([head, data, crc]);
}

function encode(width: number, height: number, pixel: (x: number, y: number) => [number, number, number]): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // RGB
  const rows: Buffer[] = [];
  for (let y = 0; y < height; y++) {
    const row = Buffer.alloc(1 + width * 3); // filter byte 0, then RGB
    for (let x = 0; x < width; x++) row.set(pixel(x, y), 1 + x * 3);
    rows.push(row);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(Buffer.concat(rows))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

export function solidPng(width: number, height: number, rgb: [number, number, number] = [220, 40, 40]): Buffer {
  return encode(width, height, () => rgb);
}

/** A noise PNG of at least `minBytes` (noise does not deflate, so size ≈ 3 bytes per pixel). */
export function noisePng(minBytes: number): Buffer {
  const side = Math.ceil(Math.sqrt(minBytes / 3)) + 1;
  const noise = randomBytes(side * side * 3);
  return encode(side, side, (x, y) => {
    const i = (y * side + x) * 3;
    return [noise[i]!, noise[i + 1]!, noise[i + 2]!];
  });
}
