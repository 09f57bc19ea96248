import type { DeviceConfig } from '@hamstream/core';
import { describe, expect, it } from 'vitest';
import { WITMOTION_NOTIFY } from './definitions/witmotion-wt901.js';
import { drivers, getDriver } from './registry.js';
import { createPrng } from './test-support/prng.js';
import type { DecodedItem, DecodeResult, DeviceDecoder, SensorDriver } from './types.js';
import { driverVectors } from './vectors/index.js';
import { vectorBytes } from './vectors/types.js';

/**
 * `decodeTransient` (decoder-owned result, the engine's hot path) must say exactly what `decode` says:
 * two decoders of the same config are fed the same long packet stream — vectors with their set-up
 * packets, plus random truncations, splices and byte flips so reassembly, resync, FACTOR and timestamp
 * state diverge from the happy path — one through each method, and every result is compared value by value.
 */
const PACKETS_PER_DRIVER = 20_000;

/** The numbers of a sample item as plain arrays, read only up to `count` (transient arrays may be longer). */
function comparable(item: DecodedItem): Record<string, unknown> {
  const take = (a: Float64Array | null, n: number) => (a === null ? null : Array.from(a.subarray(0, n)));
  switch (item.kind) {
    case 'acc':
      return {
        ...item,
        sensorTUs: take(item.sensorTUs, item.count),
        valuesMs2: take(item.valuesMs2, 3 * item.count),
      };
    case 'gyro':
      return {
        ...item,
        sensorTUs: take(item.sensorTUs, item.count),
        valuesDps: take(item.valuesDps, 3 * item.count),
      };
    case 'euler':
      return {
        ...item,
        sensorTUs: take(item.sensorTUs, item.count),
        valuesDeg: take(item.valuesDeg, 3 * item.count),
      };
    case 'force':
      return { ...item, sensorTUs: take(item.sensorTUs, item.count), forceN: take(item.forceN, item.count) };
    default:
      return { ...item };
  }
}

function snapshot(r: DecodeResult): { items: Record<string, unknown>[]; error: unknown } {
  return { items: r.items.map(comparable), error: r.error === null ? null : { ...r.error } };
}

function configsFor(id: string): DeviceConfig[] {
  const seen = new Map<string, DeviceConfig>([['{}', {}]]);
  for (const v of driverVectors[id]!.decode) if (v.config) seen.set(JSON.stringify(v.config), v.config);
  return [...seen.values()];
}

function packetStream(driver: SensorDriver, seed: number): { characteristic: string; bytes: Uint8Array }[] {
  const rng = createPrng(seed);
  const seeds = driverVectors[driver.id]!.decode.flatMap((v) => [
    ...(v.before ?? []).map((p) => ({ characteristic: p.characteristic, bytes: vectorBytes(p.hex) })),
    { characteristic: v.characteristic, bytes: vectorBytes(v.hex) },
  ]);
  const out: { characteristic: string; bytes: Uint8Array }[] = [];
  for (let i = 0; i < PACKETS_PER_DRIVER; i++) {
    const s = seeds[rng.int(seeds.length)]!;
    let bytes: Uint8Array = s.bytes.slice();
    switch (rng.int(6)) {
      case 0: // truncate (records split across notifications)
        bytes = bytes.subarray(0, rng.int(bytes.length + 1));
        break;
      case 1: {
        // concatenate several (bunched records, several TLVs)
        const other = seeds[rng.int(seeds.length)]!.bytes;
        const joined = new Uint8Array(bytes.length + other.length);
        joined.set(bytes);
        joined.set(other, bytes.length);
        bytes = joined;
        break;
      }
      case 2: // flip a byte
        if (bytes.length > 0) bytes[rng.int(bytes.length)] = rng.int(256);
        break;
      case 3: // random bytes
        bytes = rng.bytes(rng.int(300));
        break;
      default: // as is
        break;
    }
    out.push({ characteristic: s.characteristic, bytes });
  }
  return out;
}

describe.each(drivers.map((d, k) => ({ id: d.id, driver: d, seed: 7000 + k })))(
  'decodeTransient $id',
  ({ driver, seed }) => {
    it(`says exactly what decode says over ${PACKETS_PER_DRIVER.toLocaleString('en')} packets per config`, () => {
      const packets = packetStream(driver, seed);
      let samples = 0;
      for (const config of configsFor(driver.id)) {
        const plain = driver.createDecoder(config);
        const fast = driver.createDecoder(config);
        expect(fast.decodeTransient).toBeTypeOf('function');
        for (const [i, p] of packets.entries()) {
          if (i % 997 === 0) {
            plain.reset();
            fast.reset();
          }
          const a = snapshot(plain.decode(p.characteristic, p.bytes));
          const b = snapshot(fast.decodeTransient!(p.characteristic, p.bytes));
          if (JSON.stringify(a) !== JSON.stringify(b)) expect(b, `packet ${i}`).toEqual(a);
          for (const item of a.items)
            samples += typeof item.count === 'number' ? item.count : item.kind === 'rsc' ? 1 : 0;
        }
      }
      // The streams reached the sample paths, not only the rejections.
      expect(samples).toBeGreaterThan(1000);
    });
  },
);

describe('ownership', () => {
  const record = (k: number) => {
    const r = new Uint8Array(20);
    r[0] = 0x55;
    r[1] = 0x61;
    for (let i = 2; i < 20; i += 2) r[i] = (k * 7 + i) & 0xff;
    return r;
  };
  const notification = (records: number, from = 0) => {
    const out = new Uint8Array(20 * records);
    for (let k = 0; k < records; k++) out.set(record(from + k), 20 * k);
    return out;
  };

  it('decodeTransient reuses its arrays; decode results stay valid after later decodes', () => {
    const decoder = getDriver('witmotion-wt901')!.createDecoder({});
    const first = decoder.decode(WITMOTION_NOTIFY, notification(2));
    const kept = Array.from((first.items[0] as Extract<DecodedItem, { kind: 'acc' }>).valuesMs2);
    const t1 = decoder.decodeTransient!(WITMOTION_NOTIFY, notification(2, 5));
    const a1 = (t1.items[0] as Extract<DecodedItem, { kind: 'acc' }>).valuesMs2;
    const t2 = decoder.decodeTransient!(WITMOTION_NOTIFY, notification(3, 9));
    const a2 = (t2.items[0] as Extract<DecodedItem, { kind: 'acc' }>).valuesMs2;
    expect(a2).toBe(a1);
    expect(t2).toBe(t1);
    expect(t2.items[0]!.kind === 'acc' && t2.items[0]!.count).toBe(3);
    expect(Array.from((first.items[0] as Extract<DecodedItem, { kind: 'acc' }>).valuesMs2)).toEqual(kept);
    expect((first.items[0] as Extract<DecodedItem, { kind: 'acc' }>).valuesMs2.length).toBe(6);
  });

  it('a notification with more records than the scratch holds keeps every record (growth copies)', () => {
    const decoder = getDriver('witmotion-wt901')!.createDecoder({});
    const many = notification(40);
    const result = decoder.decode(WITMOTION_NOTIFY, many);
    const acc = result.items[0] as Extract<DecodedItem, { kind: 'acc' }>;
    expect(acc.count).toBe(40);
    for (let k = 0; k < 40; k++) {
      const single = getDriver('witmotion-wt901')!.createDecoder({}).decode(WITMOTION_NOTIFY, record(k));
      const one = single.items[0] as Extract<DecodedItem, { kind: 'acc' }>;
      expect(Array.from(acc.valuesMs2.subarray(3 * k, 3 * k + 3))).toEqual(Array.from(one.valuesMs2));
    }
  });
});

/**
 * A fast path ("decode into the caller's arrays") either writes exactly what `decodeTransient` would
 * give, or declines (-1) and leaves the decoder's state alone.
 */
interface IntoPath {
  name: 'decodeImuInto' | 'decodeForceInto';
  /** Runs the fast path into two arrays of `size` values per sample from sample index `at`. */
  run(
    decoder: DeviceDecoder,
    characteristic: string,
    bytes: Uint8Array,
    a: Float64Array,
    b: Float64Array,
    at: number,
  ): number;
  /** Values per sample in the first and second array. */
  strides: [number, number];
  /** The item kinds a notification it takes may decode to. */
  kinds: string[];
  /** The expected first and second arrays' values from `decodeTransient`'s items. */
  expected(items: Record<string, unknown>[]): [unknown, unknown, unknown];
}

const INTO_PATHS: IntoPath[] = [
  {
    name: 'decodeImuInto',
    run: (d, c, bytes, a, b, at) => d.decodeImuInto!(c, bytes, a, b, at),
    strides: [3, 3],
    kinds: ['acc', 'gyro', 'euler'],
    expected: (items) => {
      const acc = items.find((x) => x.kind === 'acc');
      const gyro = items.find((x) => x.kind === 'gyro');
      return [acc?.count, acc?.valuesMs2, gyro?.valuesDps];
    },
  },
  {
    name: 'decodeForceInto',
    run: (d, c, bytes, a, b, at) => d.decodeForceInto!(c, bytes, a, b, at),
    strides: [1, 1],
    kinds: ['force'],
    expected: (items) => [items[0]?.count, items[0]?.forceN, items[0]?.sensorTUs],
  },
];

describe.each(
  INTO_PATHS.flatMap((path, p) =>
    drivers
      .filter((d) => typeof d.createDecoder({})[path.name] === 'function')
      .map((d, k) => ({ id: d.id, driver: d, path, seed: 7100 + 100 * p + k })),
  ),
)('$path.name $id', ({ driver, path, seed }) => {
  it("writes exactly decodeTransient's samples, or declines (-1) and leaves the state alone", () => {
    const packets = packetStream(driver, seed);
    const plain = driver.createDecoder({});
    const fast = driver.createDecoder({});
    const [sa, sb] = path.strides;
    const a = new Float64Array(sa * 64);
    const b = new Float64Array(sb * 64);
    let taken = 0;
    let declined = 0;
    for (const [i, p] of packets.entries()) {
      const expected = snapshot(plain.decodeTransient!(p.characteristic, p.bytes));
      const at = i % 7;
      const n = path.run(fast, p.characteristic, p.bytes, a, b, at);
      if (n < 0) {
        declined++;
        // The general path, on a decoder in the same state, says the same as the other one.
        const got = snapshot(fast.decodeTransient!(p.characteristic, p.bytes));
        if (JSON.stringify(got) !== JSON.stringify(expected)) expect(got, `packet ${i}`).toEqual(expected);
        continue;
      }
      taken++;
      // Only clean notifications: stream samples and nothing else.
      expect(expected.error, `packet ${i}`).toBeNull();
      expect(expected.items.every((x) => path.kinds.includes(x.kind as string))).toBe(true);
      expect([
        n,
        Array.from(a.subarray(sa * at, sa * (at + n))),
        Array.from(b.subarray(sb * at, sb * (at + n))),
      ]).toEqual(path.expected(expected.items));
    }
    expect(taken).toBeGreaterThan(1000);
    expect(declined).toBeGreaterThan(1000);
  });
});
