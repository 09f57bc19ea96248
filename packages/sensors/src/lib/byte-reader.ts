/**
 * Bounds-checked little-endian reader. A read past the end returns 0 and sets `overrun`, so a decoder
 * checks once after a group of reads instead of wrapping every read in a length test or a try/catch.
 */
export class ByteReader {
  pos: number;
  overrun = false;
  readonly end: number;

  constructor(
    readonly bytes: Uint8Array,
    start = 0,
    end: number = bytes.length,
  ) {
    this.pos = start;
    this.end = Math.min(end, bytes.length);
  }

  get remaining(): number {
    return this.end > this.pos ? this.end - this.pos : 0;
  }

  /** True when `n` more bytes can be read. */
  has(n: number): boolean {
    return this.pos + n <= this.end;
  }

  /** Index of the next `n` bytes, advancing; -1 (and `overrun`) if they are not there. */
  private take(n: number): number {
    const at = this.pos;
    if (at + n > this.end) {
      this.overrun = true;
      this.pos = this.end;
      return -1;
    }
    this.pos = at + n;
    return at;
  }

  skip(n: number): void {
    this.take(n);
  }

  u8(): number {
    const i = this.take(1);
    return i < 0 ? 0 : this.bytes[i]!;
  }

  i8(): number {
    return (this.u8() << 24) >> 24;
  }

  u16(): number {
    const i = this.take(2);
    return i < 0 ? 0 : readU16(this.bytes, i);
  }

  i16(): number {
    const i = this.take(2);
    return i < 0 ? 0 : readI16(this.bytes, i);
  }

  i24(): number {
    const i = this.take(3);
    return i < 0 ? 0 : readI24(this.bytes, i);
  }

  u32(): number {
    const i = this.take(4);
    return i < 0 ? 0 : readU32(this.bytes, i);
  }

  f32(): number {
    const i = this.take(4);
    return i < 0 ? 0 : readF32(this.bytes, i);
  }

  /** A u64 as a double: exact below 2^53, else rounded to the nearest representable value. */
  u64(): number {
    const i = this.take(8);
    return i < 0 ? 0 : readU64(this.bytes, i);
  }

  /** A view (not a copy) of the next `n` bytes; empty on overrun. */
  view(n: number): Uint8Array {
    const i = this.take(n);
    return i < 0 ? this.bytes.subarray(0, 0) : this.bytes.subarray(i, i + n);
  }
}

// Unchecked helpers for hot paths whose callers have already checked the length.

export function readU16(b: Uint8Array, i: number): number {
  return b[i]! | (b[i + 1]! << 8);
}

export function readI16(b: Uint8Array, i: number): number {
  return ((b[i]! | (b[i + 1]! << 8)) << 16) >> 16;
}

export function readI24(b: Uint8Array, i: number): number {
  return ((b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16)) << 8) >> 8;
}

export function readU32(b: Uint8Array, i: number): number {
  return (b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16)) + b[i + 3]! * 0x1000000;
}

export function readI32(b: Uint8Array, i: number): number {
  return b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16) | (b[i + 3]! << 24);
}

export function readU64(b: Uint8Array, i: number): number {
  // hi · 2^32 is exact in a double; adding lo rounds once, like a correctly rounded u64 → double.
  return readU32(b, i + 4) * 0x100000000 + readU32(b, i);
}

const f32Scratch = new DataView(new ArrayBuffer(4));

/** Reinterprets 32 bits as an IEEE-754 single (may be NaN or ±Infinity: callers must check). */
export function float32FromBits(bits: number): number {
  f32Scratch.setInt32(0, bits | 0, true);
  return f32Scratch.getFloat32(0, true);
}

export function float32ToBits(value: number): number {
  f32Scratch.setFloat32(0, value, true);
  return f32Scratch.getInt32(0, true);
}

export function readF32(b: Uint8Array, i: number): number {
  return float32FromBits(readI32(b, i));
}
