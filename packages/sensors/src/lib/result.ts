import type { DecodedItem, DecodeError, DecodeErrorCode, DecodeResult } from '../types.js';

export function makeError(code: DecodeErrorCode, message: string, droppedBytes?: number): DecodeError {
  return droppedBytes === undefined ? { code, message } : { code, message, droppedBytes };
}

/** A result with no items and one error. */
export function decodeError(code: DecodeErrorCode, message: string, droppedBytes?: number): DecodeResult {
  return { items: [], error: makeError(code, message, droppedBytes) };
}

export function decoded(items: DecodedItem[], error: DecodeError | null = null): DecodeResult {
  return { items, error };
}

/** A grow-only Float64Array scratch buffer, so hot paths allocate per packet (the output copy), never per sample. */
export class Float64Scratch {
  data: Float64Array;
  constructor(initial = 256) {
    this.data = new Float64Array(initial);
  }
  ensure(n: number): Float64Array {
    if (this.data.length < n) this.data = new Float64Array(Math.max(n, this.data.length * 2));
    return this.data;
  }

  /** Copies the first `n` values into `out` at `offset` (a plain loop: TypedArray#slice is slow in V8). */
  copyTo(n: number, out: Float64Array, offset: number): void {
    const src = this.data;
    for (let i = 0; i < n; i++) out[offset + i] = src[i]!;
  }
}

/**
 * `sizes.length` Float64Arrays sharing one backing store: V8 allocates typed arrays over 64 bytes off-heap,
 * and that allocation, not the decoding, dominates small packets.
 */
export function allocFloat64Views(sizes: readonly number[]): Float64Array[] {
  let total = 0;
  for (const n of sizes) total += n;
  const buffer = new ArrayBuffer(8 * total);
  const out: Float64Array[] = [];
  let offset = 0;
  for (const n of sizes) {
    out.push(new Float64Array(buffer, 8 * offset, n));
    offset += n;
  }
  return out;
}
