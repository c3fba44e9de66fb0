/**
 * Row positions as an Int32Array, whatever form the model holds them in: a
 * DataView (`RowIndices` sends one int32 buffer, and `rowsToSave` saves one),
 * an Int32Array, or a plain array.
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
  return Int32Array.from(value);
}

/**
 * A selection as `model.set` should get it: a DataView of its int32 bytes.
 * Every host sends a DataView as one binary buffer (marimo sends nothing else
 * as binary: a typed array would reach Python as a dict of index to value).
 */
function rowsToSave(rows) {
  const int32 = rowIndices(rows);
  return new DataView(int32.buffer, int32.byteOffset, int32.byteLength);
}
