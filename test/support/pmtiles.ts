/**
 * A minimal, valid PMTiles v3 archive with no tiles: a 127-byte header, an empty root directory and a
 * small JSON metadata block. Enough for MapLibre's PMTiles protocol to open it (tests cannot download a
 * real extract, and the `pmtiles` package only reads).
 */
export function emptyPmtilesArchive(
  bbox: [number, number, number, number] = [36, 47, 40, 49.5],
  metadata: object = { name: 'truceline test', vector_layers: [] },
): Buffer {
  const rootDirectory = Buffer.from([0]); // varint: zero entries
  const meta = Buffer.from(JSON.stringify(metadata), 'utf8');
  const header = Buffer.alloc(127);
  header.write('PMTiles', 0, 'ascii');
  header.writeUInt8(3, 7);
  const rootOffset = 127;
  const metaOffset = rootOffset + rootDirectory.length;
  const dataOffset = metaOffset + meta.length;
  const u64 = (at: number, v: number) => header.writeBigUInt64LE(BigInt(v), at);
  u64(8, rootOffset);
  u64(16, rootDirectory.length);
  u64(24, metaOffset);
  u64(32, meta.length);
  u64(40, dataOffset); // leaf directories: none
  u64(48, 0);
  u64(56, dataOffset); // tile data: none
  u64(64, 0);
  u64(72, 0);
  u64(80, 0);
  u64(88, 0);
  header.writeUInt8(1, 96); // clustered
  header.writeUInt8(1, 97); // internal compression: none
  header.writeUInt8(1, 98); // tile compression: none
  header.writeUInt8(1, 99); // tile type: MVT
  header.writeUInt8(0, 100); // min zoom
  header.writeUInt8(14, 101); // max zoom
  const e7 = (v: number) => Math.round(v * 1e7);
  header.writeInt32LE(e7(bbox[0]), 102);
  header.writeInt32LE(e7(bbox[1]), 106);
  header.writeInt32LE(e7(bbox[2]), 110);
  header.writeInt32LE(e7(bbox[3]), 114);
  header.writeUInt8(8, 118);
  header.writeInt32LE(e7((bbox[0] + bbox[2]) / 2), 119);
  header.writeInt32LE(e7((bbox[1] + bbox[3]) / 2), 123);
  return Buffer.concat([header, rootDirectory, meta]);
}
