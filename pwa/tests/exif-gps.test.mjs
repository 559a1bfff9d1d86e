/** The hand-written EXIF reader: GPS and orientation from a JPEG, and no crash on junk. */

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readExif } from '../src/js/exif-gps.js';

/** A JPEG head with an EXIF block: Orientation, and GPS as degrees/minutes/seconds. */
function jpegWithExif({ lat, latRef, lon, lonRef, orientation, little = true }) {
  const tiff = new DataView(new ArrayBuffer(200));
  const u16 = (at, v) => tiff.setUint16(at, v, little);
  const u32 = (at, v) => tiff.setUint32(at, v, little);
  u16(0, little ? 0x4949 : 0x4d4d);
  u16(2, 42);
  u32(4, 8); // IFD0 right after the header
  u16(8, 2); // two entries
  u16(10, 0x0112);
  u16(12, 3);
  u32(14, 1);
  u16(18, orientation);
  u16(22, 0x8825);
  u16(24, 4);
  u32(26, 1);
  u32(30, 38); // GPS IFD at 38
  u32(34, 0);
  u16(38, 4);
  const entry = (i, tag, type, count) => {
    const at = 40 + i * 12;
    u16(at, tag);
    u16(at + 2, type);
    u32(at + 4, count);
    return at + 8;
  };
  tiff.setUint8(entry(0, 1, 2, 2), latRef.charCodeAt(0));
  u32(entry(1, 2, 5, 3), 100);
  tiff.setUint8(entry(2, 3, 2, 2), lonRef.charCodeAt(0));
  u32(entry(3, 4, 5, 3), 130);
  const dms = (at, [d, m, s]) => {
    u32(at, d);
    u32(at + 4, 1);
    u32(at + 8, m);
    u32(at + 12, 1);
    u32(at + 16, Math.round(s * 100));
    u32(at + 20, 100);
  };
  dms(100, lat);
  dms(130, lon);
  const head = [0xff, 0xd8, 0xff, 0xe1, 0, 0, 0x45, 0x78, 0x69, 0x66, 0, 0];
  const bytes = new Uint8Array(head.length + tiff.byteLength);
  bytes.set(head);
  bytes.set(new Uint8Array(tiff.buffer), head.length);
  new DataView(bytes.buffer).setUint16(4, 8 + tiff.byteLength);
  return bytes.buffer;
}

test('reads the Grand-Place from the GPS block, both byte orders', () => {
  for (const little of [true, false]) {
    const exif = readExif(
      jpegWithExif({
        lat: [50, 50, 48.12],
        latRef: 'N',
        lon: [4, 21, 9],
        lonRef: 'E',
        orientation: 6,
        little,
      }),
    );
    assert.equal(exif.orientation, 6);
    assert.ok(Math.abs(exif.gps.lat - 50.8467) < 1e-4, `${exif.gps.lat}`);
    assert.ok(Math.abs(exif.gps.lon - 4.3525) < 1e-4, `${exif.gps.lon}`);
  }
});

test('south and west are negative', () => {
  const exif = readExif(
    jpegWithExif({ lat: [33, 52, 0], latRef: 'S', lon: [151, 12, 0], lonRef: 'W', orientation: 1 }),
  );
  assert.ok(exif.gps.lat < 0 && exif.gps.lon < 0);
});

test('a file without EXIF, or not a JPEG at all, gives no suggestion', () => {
  assert.deepEqual(readExif(new Uint8Array([0xff, 0xd8, 0xff, 0xda, 0, 2]).buffer), {
    gps: null,
    orientation: 1,
  });
  assert.deepEqual(readExif(new TextEncoder().encode('not a photo').buffer), {
    gps: null,
    orientation: 1,
  });
  const cut = jpegWithExif({ lat: [1, 0, 0], latRef: 'N', lon: [1, 0, 0], lonRef: 'E', orientation: 1 });
  assert.doesNotThrow(() => readExif(cut.slice(0, 40)));
});
