/**
 * Test support: produces a JPEG, made in code, that carries an EXIF orientation tag. The pixels are encoded by
 * jpeg-js; the APP1/Exif segment (one IFD0 entry, Orientation) is built by hand and placed after SOI.
 */
import { encode } from "jpeg-js";

/** EXIF orientation 6: the stored image must be turned 90° clockwise to display upright. */
export const ROTATE_90_CLOCKWISE = 6;

/** A big-endian TIFF structure with one IFD0 entry: tag 0x0112 (Orientation), type SHORT, count 1. */
function exifSegment(orientation: number): Buffer {
  const tiff = Buffer.alloc(26);
  tiff.write("MM", 0, "latin1");
  tiff.writeUInt16BE(42, 2);
  tiff.writeUInt32BE(8, 4); // IFD0 starts right after the header
  tiff.writeUInt16BE(1, 8); // one entry
  tiff.writeUInt16BE(0x0112, 10);
  tiff.writeUInt16BE(3, 12); // SHORT
  tiff.writeUInt32BE(1, 14);
  tiff.writeUInt16BE(orientation, 18); // a SHORT value sits left-justified in the 4-byte field
  tiff.writeUInt32BE(0, 22); // no IFD1
  const payload = Buffer.concat([Buffer.from("Exif\0\0", "latin1"), tiff]);
  const header = Buffer.alloc(4);
  header.writeUInt16BE(0xffe1, 0);
  header.writeUInt16BE(payload.length + 2, 2); // the length counts itself, not the marker
  return Buffer.concat([header, payload]);
}

/**
 * A `width` x `height` JPEG, left half red and right half blue, tagged with `orientation`. Displayed with EXIF
 * applied it is `height` wide and `width` tall; displayed as stored it keeps `width` x `height`.
 */
export function jpegWithOrientation(width: number, height: number, orientation: number): Buffer {
  const pixels = Buffer.alloc(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 4;
      const left = x < width / 2;
      pixels[i] = left ? 220 : 20;
      pixels[i + 1] = 20;
      pixels[i + 2] = left ? 20 : 220;
      pixels[i + 3] = 255;
    }
  }
  const jpeg = encode({ data: pixels, width, height }, 90).data;
  if (jpeg[0] !== 0xff || jpeg[1] !== 0xd8) {
    throw new Error("jpeg-js did not start its output with SOI");
  }
  return Buffer.concat([jpeg.subarray(0, 2), exifSegment(orientation), jpeg.subarray(2)]);
}

/** Reads the Orientation back out of the first APP1/Exif segment, for the test's own sanity check. */
export function readOrientation(jpeg: Buffer): number | undefined {
  let offset = 2;
  while (offset + 4 <= jpeg.length && jpeg[offset] === 0xff) {
    const marker = jpeg[offset + 1];
    const length = jpeg.readUInt16BE(offset + 2);
    if (marker === 0xe1 && jpeg.toString("latin1", offset + 4, offset + 10) === "Exif\0\0") {
      const tiff = offset + 10;
      const bigEndian = jpeg.toString("latin1", tiff, tiff + 2) === "MM";
      const u16 = (at: number) => (bigEndian ? jpeg.readUInt16BE(at) : jpeg.readUInt16LE(at));
      const u32 = (at: number) => (bigEndian ? jpeg.readUInt32BE(at) : jpeg.readUInt32LE(at));
      const ifd = tiff + u32(tiff + 4);
      for (let entry = 0; entry < u16(ifd); entry++) {
        const at = ifd + 2 + entry * 12;
        if (u16(at) === 0x0112) {
          return u16(at + 8);
        }
      }
      return undefined;
    }
    offset += 2 + length;
  }
  return undefined;
}
