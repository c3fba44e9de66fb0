/**
 * The kernel's bins of a column, `{ lo, hi, bins }` (`Source.axis` in
 * `_source.py`): bin k holds edge(k) <= v < edge(k + 1), the last also `hi`.
 * Edges are computed exactly as the kernel computes them, so a range from
 * one edge to just below another is a predicate its cube answers at once.
 */
function binEdge({ lo, hi, bins }, k) {
  return k >= bins ? hi : lo + k * ((hi - lo) / bins);
}

/** The bin of the axis that holds `value` (the first or last bin beyond them). */
function binOf(axis, value) {
  const scale = axis.hi > axis.lo ? axis.bins / (axis.hi - axis.lo) : 0;
  let k = Math.floor((value - axis.lo) * scale);
  k = Math.min(axis.bins - 1, Math.max(0, k || 0));
  if (k > 0 && value < binEdge(axis, k)) k--;
  if (k < axis.bins - 1 && value >= binEdge(axis, k + 1)) k++;
  return k;
}

/**
 * The range of bins `first` to `last` as a predicate's `[lo, hi]`.
 *
 * @returns {[number, number]}
 */
function binRange(axis, first, last) {
  const hi =
    last >= axis.bins - 1 ? axis.hi : nextDown(binEdge(axis, last + 1));
  return [binEdge(axis, first), hi];
}

/** The largest number below a finite `value`. */
function nextDown(value) {
  if (value === 0) return -Number.MIN_VALUE;
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, value);
  const bits = view.getBigInt64(0);
  view.setBigInt64(0, value > 0 ? bits - 1n : bits + 1n);
  return view.getFloat64(0);
}
