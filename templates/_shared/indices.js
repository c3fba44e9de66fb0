/**
 * Row positions as an Int32Array, whatever form the model holds them in: a
 * DataView (`RowIndices` sends one int32 buffer, and a page saves one),
 * `{ length, bitmap }` (a dense selection, as a page may save it), an
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
