/**
 * Row positions as an Int32Array, whatever form the model holds them in: a
 * DataView from Python (`RowIndices` sends one int32 buffer), an Int32Array set
 * here, or a plain array.
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
