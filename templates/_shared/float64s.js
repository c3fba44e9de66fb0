/** The float64s of a buffer of the answer, copied (a view may be unaligned). */
function float64s({ buffer, byteOffset, byteLength }) {
  return new Float64Array(buffer.slice(byteOffset, byteOffset + byteLength));
}
