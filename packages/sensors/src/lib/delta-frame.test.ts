import { describe, expect, it } from 'vitest';
import { createPrng, packLsb } from '../test-support/prng.js';
import { signExtend } from './bit-reader.js';
import { scanDeltaFrame, unpackDeltaFrame } from './delta-frame.js';

/** Builds a frame from known samples with the given block widths, and returns the samples it must decode to. */
function buildFrame(
  rng: ReturnType<typeof createPrng>,
  channels: number,
  resolution: number,
  widths: number[],
) {
  const bytesPerValue = Math.ceil(resolution / 8);
  const ref = Array.from({ length: channels }, () =>
    signExtend(Math.floor(rng.next() * 2 ** resolution), resolution),
  );
  const parts: number[] = [];
  for (const v of ref) for (let k = 0; k < bytesPerValue; k++) parts.push((v >>> (8 * k)) & 0xff);
  const samples = [ref];
  for (const width of widths) {
    const count = 1 + rng.int(40);
    const deltas: number[] = [];
    for (let s = 0; s < count; s++) {
      const prev = samples[samples.length - 1]!;
      const next = prev.map((p) => {
        const d = width === 0 ? 0 : signExtend(Math.floor(rng.next() * 2 ** width), width);
        deltas.push(d);
        return (p + d) | 0;
      });
      samples.push(next);
    }
    parts.push(width, count, ...packLsb(deltas, width));
  }
  return { bytes: new Uint8Array(parts), samples };
}

describe('delta-compressed frames', () => {
  it('decode random frames with several blocks of different widths exactly (property, seeded)', () => {
    const rng = createPrng(2024);
    for (let trial = 0; trial < 300; trial++) {
      const channels = trial % 5 === 0 ? 1 + rng.int(4) : 3;
      const resolution = trial % 7 === 0 ? 32 : 16;
      const widths = Array.from({ length: 1 + rng.int(4) }, () => rng.int(33));
      const { bytes, samples } = buildFrame(rng, channels, resolution, widths);
      const scan = scanDeltaFrame(bytes, 0, bytes.length, channels, resolution);
      expect(scan.problem).toBeNull();
      expect(scan.samples).toBe(samples.length);
      const out = new Int32Array(scan.samples * channels);
      const n = unpackDeltaFrame(bytes, 0, bytes.length, channels, resolution, out, new Int32Array(channels));
      expect(n).toBe(samples.length);
      expect(Array.from(out)).toEqual(samples.flat());
    }
  });

  it('decodes inside a larger buffer without reading outside [start, end)', () => {
    const rng = createPrng(5);
    const { bytes, samples } = buildFrame(rng, 3, 16, [8, 10]);
    const padded = new Uint8Array(bytes.length + 20).fill(0xff);
    padded.set(bytes, 10);
    const out = new Int32Array(samples.length * 3);
    unpackDeltaFrame(padded, 10, 10 + bytes.length, 3, 16, out, new Int32Array(3));
    expect(Array.from(out)).toEqual(samples.flat());
  });

  it('reports structural problems instead of decoding', () => {
    const frame = new Uint8Array([0xf1, 0xff, 0x14, 0x00, 0xf0, 0x03, 0x06, 0x01, 0x7b, 0x0f, 0x08]); // P3 content
    expect(scanDeltaFrame(frame, 0, frame.length, 3, 16)).toEqual({ samples: 2, problem: null, detail: '' });
    expect(scanDeltaFrame(frame, 0, 5, 3, 16).problem).toBe('short');
    expect(scanDeltaFrame(frame, 0, 10, 3, 16).problem).toBe('short');
    expect(scanDeltaFrame(new Uint8Array([...frame, 6]), 0, 12, 3, 16).problem).toBe('bad-length');
    expect(scanDeltaFrame(new Uint8Array([...frame.subarray(0, 6), 33, 0]), 0, 8, 3, 16).problem).toBe(
      'bad-width',
    );
  });

  it('accepts a reference-only frame and empty blocks', () => {
    const frame = new Uint8Array([1, 0, 2, 0, 3, 0, 5, 0]);
    const scan = scanDeltaFrame(frame, 0, frame.length, 3, 16);
    expect(scan.samples).toBe(1);
    const out = new Int32Array(3);
    unpackDeltaFrame(frame, 0, frame.length, 3, 16, out, new Int32Array(3));
    expect(Array.from(out)).toEqual([1, 2, 3]);
  });
});
