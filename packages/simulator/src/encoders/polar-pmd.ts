import { ByteWriter } from './bytes.js';

export const PMD_CONTROL_POINT_CHAR = 'fb005c8102e7f3871cad8acd2d8df0c8';
export const PMD_DATA_CHAR = 'fb005c8202e7f3871cad8acd2d8df0c8';

/** PMD measurement types (protocols.md §2.2). */
export const PMD_TYPE_ACC = 2;
export const PMD_TYPE_GYRO = 5;

/** Unix ms of the Polar epoch, 2000-01-01T00:00:00Z. */
export const POLAR_EPOCH_UNIX_MS = 946_684_800_000;

/** Largest frame a PMD data notification carries (MTU-limited, protocols.md §2.1). */
export const PMD_MAX_FRAME_BYTES = 232;
const FRAME_HEADER_BYTES = 10;

/** Settings TLV types. */
export const PMD_SETTING_SAMPLE_RATE = 0;
export const PMD_SETTING_RESOLUTION = 1;
export const PMD_SETTING_RANGE = 2;
export const PMD_SETTING_CHANNELS = 4;
export const PMD_SETTING_FACTOR = 5;

/** A control-point response `F0 <op> <type> <status> <more> [params]` (one packet, more = 0). */
export function encodePmdControlResponse(
  op: number,
  measurementType: number,
  status: number,
  params: Uint8Array = new Uint8Array(0),
): Uint8Array {
  return new ByteWriter(5 + params.length)
    .u8(0xf0)
    .u8(op)
    .u8(measurementType)
    .u8(status)
    .u8(0)
    .bytes(params)
    .finish();
}

/** The FACTOR setting TLV `05 01 <float32>` a start response carries. */
export function encodePmdFactorTlv(factor: number): Uint8Array {
  return new ByteWriter(6).u8(PMD_SETTING_FACTOR).u8(1).f32(factor).finish();
}

function header(measurementType: number, timestampNs: bigint, frameType: number): ByteWriter {
  return new ByteWriter(PMD_MAX_FRAME_BYTES).u8(measurementType).u64(timestampNs).u8(frameType);
}

/**
 * An uncompressed data frame: frame type 0 (int8), 1 (int16) or 2 (int24) per value, little endian,
 * channels interleaved. `timestampNs` is the device time of the LAST sample, ns since 2000-01-01.
 */
export function encodePmdRawFrame(
  measurementType: number,
  timestampNs: bigint,
  frameType: 0 | 1 | 2,
  values: ArrayLike<number>,
): Uint8Array {
  const w = header(measurementType, timestampNs, frameType);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (frameType === 0) w.u8(v);
    else if (frameType === 1) w.i16(v);
    else w.i24(v);
  }
  return w.finish();
}

/** Smallest two's-complement width (≥ 1 bit) that holds `d`. */
export function deltaWidthBits(d: number): number {
  const m = d < 0 ? -d - 1 : d;
  return m === 0 ? 1 : 32 - Math.clz32(m) + 1;
}

export interface DeltaBlock {
  widthBits: number;
  count: number;
}

/**
 * Splits the deltas of samples 1..n−1 into blocks the way the device packs them: each block uses
 * the minimal width covering its deltas; a wider sample widens the current block when that costs
 * fewer bits than a new block header (16 bits), else starts a new block. Counts stay ≤ 255.
 */
export function planDeltaBlocks(
  values: ArrayLike<number>,
  channels: number,
  sampleCount: number,
): DeltaBlock[] {
  const blocks: DeltaBlock[] = [];
  let cur: DeltaBlock | null = null;
  for (let s = 1; s < sampleCount; s++) {
    let w = 1;
    for (let c = 0; c < channels; c++) {
      const d = values[s * channels + c]! - values[(s - 1) * channels + c]!;
      const dw = deltaWidthBits(d);
      if (dw > w) w = dw;
    }
    if (cur === null || cur.count === 255) {
      cur = { widthBits: w, count: 1 };
      blocks.push(cur);
    } else if (w <= cur.widthBits) {
      cur.count++;
    } else if ((w - cur.widthBits) * cur.count * channels <= 16) {
      cur.widthBits = w;
      cur.count++;
    } else {
      cur = { widthBits: w, count: 1 };
      blocks.push(cur);
    }
  }
  return blocks;
}

/** Bytes a delta frame with these blocks takes (header, reference sample, blocks). */
export function deltaFrameBytes(
  blocks: readonly DeltaBlock[],
  channels: number,
  resolutionBits: number,
): number {
  let n = FRAME_HEADER_BYTES + channels * Math.ceil(resolutionBits / 8);
  for (const b of blocks) n += 2 + Math.ceil((b.widthBits * b.count * channels) / 8);
  return n;
}

/**
 * A delta-compressed frame (frame type | 0x80): the first sample as a reference (little endian,
 * `resolutionBits` wide), then blocks of `width, count` and the deltas to the previous sample,
 * channel by channel, packed LSB-first as two's complement (protocols.md §2.6).
 */
export function encodePmdDeltaFrame(
  measurementType: number,
  timestampNs: bigint,
  frameType: number,
  values: ArrayLike<number>,
  channels: number,
  resolutionBits: number,
  blocks: readonly DeltaBlock[] = planDeltaBlocks(values, channels, values.length / channels),
): Uint8Array {
  const sampleCount = values.length / channels;
  const refBytes = Math.ceil(resolutionBits / 8);
  const w = header(measurementType, timestampNs, frameType | 0x80);
  for (let c = 0; c < channels; c++) {
    let v = values[c]!;
    for (let b = 0; b < refBytes; b++) {
      w.u8(v & 0xff);
      v >>= 8; // arithmetic shift keeps the sign for negative references
    }
  }
  let s = 1;
  for (const block of blocks) {
    w.u8(block.widthBits).u8(block.count);
    const bytes = new Uint8Array(Math.ceil((block.widthBits * block.count * channels) / 8));
    let bit = 0;
    const mask = block.widthBits >= 32 ? 0xffffffff : 2 ** block.widthBits - 1;
    for (let k = 0; k < block.count; k++, s++) {
      for (let c = 0; c < channels; c++) {
        const d = values[s * channels + c]! - values[(s - 1) * channels + c]!;
        let u = (d >>> 0) & mask;
        for (let j = 0; j < block.widthBits; j++, bit++) {
          if (u & 1) bytes[bit >> 3] = bytes[bit >> 3]! | (1 << (bit & 7));
          u >>>= 1;
        }
      }
    }
    w.bytes(bytes);
  }
  if (s !== sampleCount) throw new RangeError(`blocks cover ${s} of ${sampleCount} samples`);
  return w.finish();
}

/** Bytes per sample of a raw frame type (0: int8, 1: int16, 2: int24) for 3 channels. */
export function rawFrameSampleBytes(frameType: 0 | 1 | 2, channels = 3): number {
  return channels * (frameType + 1);
}

/** Polar device time (ns since 2000-01-01) of a Unix time in ms, as a bigint. */
export function polarNsFromUnixMs(unixMs: number): bigint {
  return BigInt(Math.round((unixMs - POLAR_EPOCH_UNIX_MS) * 1000)) * 1000n;
}
