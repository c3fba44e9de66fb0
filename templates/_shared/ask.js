/**
 * Asks the kernel about a table too big to send (the widget's `_source.py`
 * answers): `ask(question)` sends `{ ask, ...question }` as a custom message
 * and resolves with the answer, its buffers as DataViews in `buffers`, or
 * rejects with the kernel's error. Each view tells its answers apart by a
 * prefix of its own (the host drops the listener with the view). Answers may
 * come after a newer question's: callers keep only the latest.
 *
 * @param {import("@anywidget/types").AnyModel<Model>} model
 */
function kernelAsker(model) {
  const prefix = Math.random().toString(36).slice(2);
  const waiting = new Map();
  let next = 0;
  const onMessage = (message, buffers = []) => {
    const pending = waiting.get(message?.id);
    if (!pending) return;
    waiting.delete(message.id);
    if (message.error) pending.reject(new Error(message.error));
    else pending.resolve({ ...message, buffers: buffers.map(dataView) });
  };
  model.on("msg:custom", onMessage);
  return (question) =>
    new Promise((resolve, reject) => {
      const id = `${prefix}-${next++}`;
      waiting.set(id, { resolve, reject });
      model.send({ ...question, id });
    });
}

/** A buffer as a DataView, whether a host gives a view or an ArrayBuffer. */
function dataView(buffer) {
  return ArrayBuffer.isView(buffer)
    ? new DataView(buffer.buffer, buffer.byteOffset, buffer.byteLength)
    : new DataView(buffer);
}
