/**
 * Reads `width`-bit fields packed LSB-first: bit k of the stream is bit (k mod 8) of byte ⌊k/8⌋, i.e. the
 * bytes form one little-endian integer and fields are taken from its bottom. (Polar PMD delta frames; an
 * MSB-first reader gives the same answer only for 8-bit fields — the bleakheart PPG pitfall.)
 * Bounds-checked: reading past `end` returns 0 and sets `overrun`.
 */
export class LsbBitReader {
  /** Absolute bit position from `bytes[0]`. */
  bitPos: number;
  overrun = false;
  private readonly endBit: number;

  constructor(
    private readonly bytes: Uint8Array,
    startByte = 0,
    endByte: number = bytes.length,
  ) {
    this.bitPos = startByte * 8;
    this.endBit = Math.min(endByte, bytes.length) * 8;
  }

  /** Unsigned field of 0..32 bits. */
  readUnsigned(width: number): number {
    if (width < 0 || width > 32 || this.bitPos + width > this.endBit) {
      this.overrun = true;
      this.bitPos = this.endBit;
      return 0;
    }
    const v = readBitsLsb(this.bytes, this.bitPos, width);
    this.bitPos += width;
    return v;
  }

  /** Two's-complement field of 1..32 bits (width 0 reads as 0). */
  readSigned(width: number): number {
    const v = this.readUnsigned(width);
    return width === 0 ? 0 : signExtend(v, width);
  }
}

/** Unsigned `width`-bit field (0..32) starting at absolute bit `bitPos`; the caller guarantees the bytes exist. */
export function readBitsLsb(bytes: Uint8Array, bitPos: number, width: number): number {
  if (width === 0) return 0;
  const first = bitPos >>> 3;
  const shift = bitPos & 7;
  const nBytes = (shift + width + 7) >>> 3; // ≤ 5
  // Accumulate in a double: up to 40 bits, beyond 32-bit integer operators.
  let v = 0;
  let scale = 1;
  for (let k = 0; k < nBytes; k++) {
    v += bytes[first + k]! * scale;
    scale *= 256;
  }
  v = Math.floor(v / 2 ** shift);
  return v % 2 ** width;
}

/** Sign-extends an unsigned `width`-bit value (1..32) to a signed 32-bit integer. */
export function signExtend(v: number, width: number): number {
  if (width >= 32) return v | 0;
  const sh = 32 - width;
  return ((v | 0) << sh) >> sh;
}
