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

/**
 * A grow-only Float64Array scratch buffer: decoders write samples here, `decodeTransient` hands it out as
 * is (valid until the next decode), `decode` copies it (one allocation per packet, never per sample).
 */
export class Float64Scratch {
  data: Float64Array;
  constructor(initial = 256) {
    this.data = new Float64Array(initial);
  }
  /** The buffer with room for `n` values; growing keeps the values already written. */
  ensure(n: number): Float64Array {
    if (this.data.length < n) {
      const grown = new Float64Array(Math.max(n, this.data.length * 2));
      grown.set(this.data);
      this.data = grown;
    }
    return this.data;
  }
}

/** Copies `n` values of `src` into `buffer` at `offset` (doubles) as a new view. A plain loop: for short
 * runs it beats set(subarray()), which allocates a second view. */
function copyView(buffer: ArrayBuffer, offset: number, src: Float64Array, n: number): Float64Array {
  const out = new Float64Array(buffer, 8 * offset, n);
  for (let i = 0; i < n; i++) out[i] = src[i]!;
  return out;
}

/**
 * A caller-owned copy of a transient result (`DeviceDecoder.decodeTransient`): fresh items and array, and
 * sample arrays exactly `count` (3 × count) long, all views into one new ArrayBuffer (one allocation per
 * packet). Non-sample items are fresh objects already and are passed on as they are.
 */
export function detachResult(r: DecodeResult): DecodeResult {
  const src = r.items;
  let total = 0;
  for (let k = 0; k < src.length; k++) {
    const item = src[k]!;
    if (item.kind === 'acc' || item.kind === 'gyro' || item.kind === 'euler' || item.kind === 'force') {
      total += (item.kind === 'force' ? 1 : 3) * item.count + (item.sensorTUs ? item.count : 0);
    }
  }
  if (total === 0) return { items: src.slice(), error: r.error };
  const buffer = new ArrayBuffer(8 * total);
  let o = 0;
  const items: DecodedItem[] = [];
  for (let k = 0; k < src.length; k++) {
    const item = src[k]!;
    switch (item.kind) {
      case 'acc':
      case 'gyro':
      case 'euler':
      case 'force': {
        const n = item.count;
        let sensorTUs: Float64Array | null = null;
        if (item.sensorTUs) {
          sensorTUs = copyView(buffer, o, item.sensorTUs, n);
          o += n;
        }
        const m = item.kind === 'force' ? n : 3 * n;
        const values =
          item.kind === 'acc'
            ? item.valuesMs2
            : item.kind === 'gyro'
              ? item.valuesDps
              : item.kind === 'euler'
                ? item.valuesDeg
                : item.forceN;
        const copy = copyView(buffer, o, values, m);
        o += m;
        items.push(
          item.kind === 'acc'
            ? { kind: 'acc', count: n, sensorTUs, valuesMs2: copy }
            : item.kind === 'gyro'
              ? { kind: 'gyro', count: n, sensorTUs, valuesDps: copy }
              : item.kind === 'euler'
                ? { kind: 'euler', count: n, sensorTUs, valuesDeg: copy }
                : { kind: 'force', count: n, sensorTUs, forceN: copy },
        );
        break;
      }
      default:
        items.push(item);
    }
  }
  return { items, error: r.error };
}
