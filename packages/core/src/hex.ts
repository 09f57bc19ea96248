const HEX = '0123456789abcdef';

/** Lowercase hex without spaces, as the recording format stores bytes. */
export function bytesToHex(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    s += HEX[b >> 4]! + HEX[b & 15]!;
  }
  return s;
}

/** Nibble value per char code below 128, −1 for anything that is not a hex digit (A-F accepted on input). */
const NIBBLE = (() => {
  const t = new Int8Array(128).fill(-1);
  for (let c = 0; c < 10; c++) t[48 + c] = c;
  for (let c = 0; c < 6; c++) {
    t[97 + c] = 10 + c;
    t[65 + c] = 10 + c;
  }
  return t;
})();

/** Parses hex (even length, no separators); returns null for anything else rather than guessing. */
export function hexToBytes(hex: string): Uint8Array | null {
  if (hex.length % 2 !== 0) return null;
  const out = new Uint8Array(hex.length / 2);
  return hexToBytesInto(hex, out) ? out : null;
}

/**
 * Parses `hex` into `out`, whose length must be exactly hex.length / 2 (hot paths reuse a buffer per
 * length). Returns false for odd lengths, a length mismatch or any non-hex character (`out` is then
 * partly written).
 */
export function hexToBytesInto(hex: string, out: Uint8Array): boolean {
  const n = out.length;
  if (hex.length !== 2 * n) return false;
  for (let i = 0; i < n; i++) {
    const a = hex.charCodeAt(2 * i);
    const b = hex.charCodeAt(2 * i + 1);
    // Table lookup instead of range tests: this runs once per byte of every replayed packet.
    const hi = a < 128 ? NIBBLE[a]! : -1;
    const lo = b < 128 ? NIBBLE[b]! : -1;
    if ((hi | lo) < 0) return false;
    out[i] = (hi << 4) | lo;
  }
  return true;
}

/** Normalises a UUID to noble's form: lowercase, no dashes; standard 128-bit SIG UUIDs shortened to 4 digits. */
export function toNobleUuid(uuid: string): string {
  const u = uuid.toLowerCase().replace(/-/g, '');
  const m = /^0000([0-9a-f]{4})00001000800000805f9b34fb$/.exec(u);
  return m ? m[1]! : u;
}
