import { readBitsLsb, signExtend } from './bit-reader.js';

/**
 * Polar PMD delta-compressed frame content (protocols.md §2.6):
 * reference sample (`channels × ⌈resolution/8⌉` bytes, LE, sign-extended), then blocks of
 * `width u8, count u8, ⌈width·count·channels/8⌉ bytes` of LSB-first two's-complement deltas, each added to
 * the previous sample channel by channel. Accumulation wraps at 32 bits like the SDK's Kotlin `Int`.
 */

export type DeltaFrameProblem = 'short' | 'bad-length' | 'bad-width';

export interface DeltaFrameScan {
  /** Samples in the frame (reference included), or 0 when `problem` is set. */
  samples: number;
  problem: DeltaFrameProblem | null;
  /** Human-readable detail for the decode error. */
  detail: string;
}

/** Checks the frame's structure and counts its samples without decoding any value. */
export function scanDeltaFrame(
  bytes: Uint8Array,
  start: number,
  end: number,
  channels: number,
  resolutionBits: number,
): DeltaFrameScan {
  const refBytes = channels * Math.ceil(resolutionBits / 8);
  if (end - start < refBytes) {
    return {
      samples: 0,
      problem: 'short',
      detail: `reference sample needs ${refBytes} bytes, got ${end - start}`,
    };
  }
  let p = start + refBytes;
  let samples = 1;
  while (p < end) {
    if (end - p < 2) {
      return { samples: 0, problem: 'bad-length', detail: `dangling byte at content offset ${p - start}` };
    }
    const width = bytes[p]!;
    const count = bytes[p + 1]!;
    if (width > 32) {
      return { samples: 0, problem: 'bad-width', detail: `delta width ${width} bits > 32` };
    }
    const blockBytes = Math.ceil((width * count * channels) / 8);
    p += 2;
    if (p + blockBytes > end) {
      return {
        samples: 0,
        problem: 'short',
        detail: `delta block (${width} bits × ${count}) needs ${blockBytes} bytes, ${end - p} left`,
      };
    }
    p += blockBytes;
    samples += count;
  }
  return { samples, problem: null, detail: '' };
}

/**
 * Decodes a frame that `scanDeltaFrame` accepted into `out` (samples × channels, interleaved).
 * `last` is scratch of length ≥ channels. Returns the number of samples written.
 */
export function unpackDeltaFrame(
  bytes: Uint8Array,
  start: number,
  end: number,
  channels: number,
  resolutionBits: number,
  out: Int32Array,
  last: Int32Array,
): number {
  const bytesPerValue = Math.ceil(resolutionBits / 8);
  let p = start;
  for (let c = 0; c < channels; c++) {
    let u = 0;
    let scale = 1;
    for (let k = 0; k < bytesPerValue; k++) {
      u += bytes[p++]! * scale;
      scale *= 256;
    }
    const v = signExtend(u, resolutionBits);
    last[c] = v;
    out[c] = v;
  }
  let o = channels;
  while (p + 1 < end) {
    const width = bytes[p]!;
    const count = bytes[p + 1]!;
    p += 2;
    const blockBytes = Math.ceil((width * count * channels) / 8);
    if (width === 0) {
      // Zero-width deltas: the block repeats the previous sample.
      for (let s = 0; s < count; s++) for (let c = 0; c < channels; c++) out[o++] = last[c]!;
    } else if (width <= 24) {
      o = unpackNarrowBlock(bytes, p, width, count, channels, out, o, last);
    } else {
      o = unpackWideBlock(bytes, p, width, count, channels, out, o, last);
    }
    p += blockBytes;
  }
  return o / channels;
}

/** Hot path: fields ≤ 24 bits through a 32-bit accumulator refilled a byte at a time. */
function unpackNarrowBlock(
  bytes: Uint8Array,
  p: number,
  width: number,
  count: number,
  channels: number,
  out: Int32Array,
  o: number,
  last: Int32Array,
): number {
  const mask = (1 << width) - 1;
  const sh = 32 - width;
  let acc = 0;
  let nbits = 0;
  if (channels === 3) {
    // The common case (ACC/GYRO/MAG xyz), unrolled so the channel state lives in registers.
    let x = last[0]!;
    let y = last[1]!;
    let z = last[2]!;
    for (let s = 0; s < count; s++) {
      while (nbits < width) {
        acc |= bytes[p++]! << nbits;
        nbits += 8;
      }
      x = (x + (((acc & mask) << sh) >> sh)) | 0;
      acc >>>= width;
      nbits -= width;
      while (nbits < width) {
        acc |= bytes[p++]! << nbits;
        nbits += 8;
      }
      y = (y + (((acc & mask) << sh) >> sh)) | 0;
      acc >>>= width;
      nbits -= width;
      while (nbits < width) {
        acc |= bytes[p++]! << nbits;
        nbits += 8;
      }
      z = (z + (((acc & mask) << sh) >> sh)) | 0;
      acc >>>= width;
      nbits -= width;
      out[o] = x;
      out[o + 1] = y;
      out[o + 2] = z;
      o += 3;
    }
    last[0] = x;
    last[1] = y;
    last[2] = z;
    return o;
  }
  for (let s = 0; s < count; s++) {
    for (let c = 0; c < channels; c++) {
      while (nbits < width) {
        acc |= bytes[p++]! << nbits;
        nbits += 8;
      }
      const v = ((acc & mask) << sh) >> sh;
      acc >>>= width;
      nbits -= width;
      const next = (last[c]! + v) | 0;
      last[c] = next;
      out[o++] = next;
    }
  }
  return o;
}

/** Fields of 25..32 bits (the float-bit-pattern gyro frames): rare, so simple double arithmetic. */
function unpackWideBlock(
  bytes: Uint8Array,
  p: number,
  width: number,
  count: number,
  channels: number,
  out: Int32Array,
  o: number,
  last: Int32Array,
): number {
  let bit = p * 8;
  for (let s = 0; s < count; s++) {
    for (let c = 0; c < channels; c++) {
      const v = signExtend(readBitsLsb(bytes, bit, width), width);
      bit += width;
      const next = (last[c]! + v) | 0;
      last[c] = next;
      out[o++] = next;
    }
  }
  return o;
}
