/** Read the GPS position and orientation from a JPEG's EXIF, before the canvas drops them. */

const GPS_IFD = 0x8825;
const ORIENTATION = 0x0112;

function readIfd(view, tiff, offset, little) {
  const tags = new Map();
  if (offset + 2 > view.byteLength) return tags;
  const count = view.getUint16(offset, little);
  for (let i = 0; i < count; i += 1) {
    const entry = offset + 2 + i * 12;
    if (entry + 12 > view.byteLength) break;
    tags.set(view.getUint16(entry, little), {
      type: view.getUint16(entry + 2, little),
      count: view.getUint32(entry + 4, little),
      valueOffset: entry + 8,
      pointer: tiff + view.getUint32(entry + 8, little),
    });
  }
  return tags;
}

function rationals(view, tag, little) {
  if (tag?.type !== 5 || tag.count < 3) return null;
  const values = [];
  for (let i = 0; i < 3; i += 1) {
    const at = tag.pointer + i * 8;
    if (at + 8 > view.byteLength) return null;
    const den = view.getUint32(at + 4, little);
    values.push(den ? view.getUint32(at, little) / den : 0);
  }
  return values[0] + values[1] / 60 + values[2] / 3600;
}

function ascii(view, tag) {
  // Short ASCII values (the N/S/E/W references) sit in the entry itself.
  return tag ? String.fromCharCode(view.getUint8(tag.valueOffset)) : '';
}

/** Find the TIFF header inside the JPEG's APP1 "Exif" segment; -1 when there is none. */
function findTiff(view) {
  if (view.byteLength < 4 || view.getUint16(0) !== 0xffd8) return -1;
  let at = 2;
  while (at + 4 <= view.byteLength) {
    const marker = view.getUint16(at);
    const length = view.getUint16(at + 2);
    if (marker === 0xffe1 && view.getUint32(at + 4) === 0x45786966) return at + 10;
    if (marker === 0xffda || (marker & 0xff00) !== 0xff00) return -1;
    at += 2 + length;
  }
  return -1;
}

/** { lat, lon } or null, and the EXIF orientation (1 when absent), of a JPEG's bytes. */
export function readExif(buffer) {
  const view = new DataView(buffer);
  const result = { gps: null, orientation: 1 };
  try {
    const tiff = findTiff(view);
    if (tiff < 0) return result;
    const little = view.getUint16(tiff) === 0x4949;
    const ifd0 = readIfd(view, tiff, tiff + view.getUint32(tiff + 4, little), little);
    const orientation = ifd0.get(ORIENTATION);
    if (orientation) result.orientation = view.getUint16(orientation.valueOffset, little);
    const gpsPointer = ifd0.get(GPS_IFD);
    if (!gpsPointer) return result;
    const gps = readIfd(view, tiff, tiff + view.getUint32(gpsPointer.valueOffset, little), little);
    const lat = rationals(view, gps.get(2), little);
    const lon = rationals(view, gps.get(4), little);
    if (lat === null || lon === null || (lat === 0 && lon === 0)) return result;
    result.gps = {
      lat: ascii(view, gps.get(1)) === 'S' ? -lat : lat,
      lon: ascii(view, gps.get(3)) === 'W' ? -lon : lon,
    };
  } catch {
    // A damaged EXIF block only costs the suggestion, never the photo.
  }
  return result;
}
