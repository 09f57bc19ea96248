import { hexToBytes, hexToBytesInto } from '@hamstream/core';

/** Node's Buffer when running on Node (the engine itself needs nothing Node-specific). */
const NodeBuffer: typeof Buffer | undefined = (globalThis as { Buffer?: typeof Buffer }).Buffer;
/** Longest packet parsed into a reused buffer (BLE values are at most 512 bytes); longer ones are allocated. */
const MAX_REUSED_PACKET_BYTES = 1024;

/**
 * A recording packet's hex → bytes, into a buffer reused per length (decoders read bytes during the call
 * only: the sensors contract), so replaying a recording allocates nothing per packet.
 */
export class PacketHexParser {
  /** Parsed-packet buffers by byte length (preallocated slots: the array never goes sparse). */
  private readonly buffers: (Uint8Array | undefined)[] = new Array(MAX_REUSED_PACKET_BYTES + 1).fill(
    undefined,
  );

  /** The bytes of `hex` (valid until the next call with the same length), or null if it is not hex. */
  parse(hex: string): Uint8Array | null {
    if (hex.length % 2 !== 0) return null;
    const n = hex.length / 2;
    if (n > MAX_REUSED_PACKET_BYTES) return hexToBytes(hex);
    let buf = this.buffers[n];
    if (buf === undefined) {
      buf = NodeBuffer ? NodeBuffer.alloc(n) : new Uint8Array(n);
      this.buffers[n] = buf;
    }
    // Node's native hex decoder (a quarter faster than the JS loop on 40-byte packets); it stops at the
    // first pair that is not hex, so fewer bytes written means bad hex, as hexToBytesInto would say.
    if (NodeBuffer) return (buf as Buffer).write(hex, 0, n, 'hex') === n ? buf : null;
    return hexToBytesInto(hex, buf) ? buf : null;
  }
}
