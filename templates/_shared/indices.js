/**
 * Row positions as an Int32Array, whatever form the model holds them in: a
 * DataView (`RowIndices` sends one int32 buffer, and `rowsToSave` saves one),
 * `{ length, bitmap }` (a dense selection, as `rowsToSave` saves it), an
 * Int32Array, or a plain array.
 */
function rowIndices(value) {
  if (!value) return new Int32Array(0);
  if (value instanceof Int32Array) return value;
  if (value instanceof DataView) {
    const { buffer, byteOffset, byteLength } = value;
    return byteOffset % 4 === 0
      ? new Int32Array(buffer, byteOffset, byteLength / 4)
      : new Int32Array(buffer.slice(byteOffset, byteOffset + byteLength));
  }
  if (value.bitmap instanceof DataView) {
    const { buffer, byteOffset, byteLength } = value.bitmap;
    const bits = new Uint8Array(buffer, byteOffset, byteLength);
    const rows = new Int32Array(value.length);
    let count = 0;
    for (let row = 0; row < value.length; row++) {
      if (bits[row >> 3] & (1 << (row & 7))) rows[count++] = row;
    }
    return rows.subarray(0, count);
  }
  return Int32Array.from(value);
}

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
