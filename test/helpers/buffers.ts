// Typed arrays over the kinds of memory JavaScript has, for the buffer tests
// (test/native/buffers.test.ts, lifetime.test.ts).

/** Detaches `view`'s ArrayBuffer the way a transfer does (its memory moves to a clone, dropped here). */
export function detach(view: ArrayBufferView): void {
  const buffer = view.buffer as ArrayBuffer;
  structuredClone(buffer, { transfer: [buffer] });
}

type Resizable = new (byteLength: number, options: { maxByteLength: number }) => ArrayBuffer;
type Growable = new (byteLength: number, options?: { maxByteLength: number }) => SharedArrayBuffer;

/** A copy of `data` in a resizable ArrayBuffer (ES2024, which this project's TypeScript lib predates). */
export function resizableCopy(data: Float32Array): Float32Array {
  const buffer = new (ArrayBuffer as unknown as Resizable)(data.byteLength, { maxByteLength: 2 * data.byteLength });
  const copy = new Float32Array(buffer);
  copy.set(data);
  return copy;
}

/**
 * A copy of `data` in a SharedArrayBuffer, `offset` floats in (a view with a byteOffset),
 * growable when `growable`.
 */
export function sharedCopy<T extends Float32Array | Int32Array>(data: T, offset = 0, growable = false): T {
  const bytes = (data.length + offset) * 4;
  const buffer = new (SharedArrayBuffer as unknown as Growable)(
    bytes,
    growable ? { maxByteLength: 2 * bytes } : undefined,
  );
  const copy = new (data.constructor as new (b: SharedArrayBuffer, o: number, n: number) => T)(
    buffer,
    offset * 4,
    data.length,
  );
  copy.set(data);
  return copy;
}
