/**
 * A selection as `model.set` should get it: a DataView of its int32 bytes or,
 * when one bit a row of the `length` rows is smaller, `{ length, bitmap }` (row
 * i is bit i % 8 of byte i >> 3). Jupyter's server drops a message over 10 MiB
 * from the page: 2.6M rows as int32, 80M as bits. Every host sends a DataView
 * as one binary buffer (marimo sends nothing else as binary: a typed array
 * would reach Python as a dict of index to value).
 */
function rowsToSave(rows, length = 0) {
  const int32 = rowIndices(rows);
  if (int32.length * 32 > length && length > 0) {
    const bits = new Uint8Array((length + 7) >> 3);
    for (const row of int32) bits[row >> 3] |= 1 << (row & 7);
    return { length, bitmap: new DataView(bits.buffer) };
  }
  return new DataView(int32.buffer, int32.byteOffset, int32.byteLength);
}
