import type { DeviceConfig } from '@hamstream/core';
import { describe, expect, it } from 'vitest';
import { drivers } from './registry.js';
import { createPrng } from './test-support/prng.js';
import type { DecodedItem, DecodeErrorCode, DecodeResult, DeviceDecoder, SensorDriver } from './types.js';
import { driverVectors } from './vectors/index.js';
import { vectorBytes } from './vectors/types.js';

/**
 * Fuzz: per driver, ≥ 100 000 packets — random bytes and mutations of every vector — through long-lived
 * decoders (so state such as reassembly buffers, FACTOR and timestamp chains is fuzzed too). A decoder must
 * never throw, must return a well-formed result with only finite numbers, and every outcome is counted.
 */
const PACKETS_PER_DRIVER = 100_000;
const ERROR_CODES: readonly DecodeErrorCode[] = [
  'E_SHORT_FRAME',
  'E_BAD_HEADER',
  'E_BAD_LENGTH',
  'E_UNKNOWN_TYPE',
  'E_UNKNOWN_CHARACTERISTIC',
  'E_BAD_VALUE',
  'E_RESYNC',
];

type Rng = ReturnType<typeof createPrng>;

function join(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

function mutate(rng: Rng, seed: Uint8Array, other: Uint8Array): Uint8Array {
  let b: Uint8Array = seed.slice();
  const ops = 1 + rng.int(4);
  for (let k = 0; k < ops; k++) {
    const at = rng.int(b.length + 1);
    switch (rng.int(8)) {
      case 0: // flip a bit
        if (at < b.length) b[at]! ^= 1 << rng.int(8);
        break;
      case 1: // overwrite a byte
        if (at < b.length) b[at] = rng.int(256);
        break;
      case 2: // truncate
        b = b.subarray(0, at);
        break;
      case 3: // extend with random bytes
        b = join(b, rng.bytes(1 + rng.int(24)));
        break;
      case 4: // insert a byte
        b = join(b.subarray(0, at), join(Uint8Array.of(rng.int(256)), b.subarray(at)));
        break;
      case 5: // delete a byte
        b = join(b.subarray(0, at), b.subarray(at + 1));
        break;
      case 6: // concatenate another vector
        b = join(b, other);
        break;
      default: // splice: head of this, tail of another
        b = join(b.subarray(0, at), other.subarray(rng.int(other.length + 1)));
    }
  }
  return b;
}

/** Problems with a result's shape, or '' if it is well formed. */
function checkResult(r: DecodeResult): string {
  if (!r || !Array.isArray(r.items)) return 'items is not an array';
  if (r.error !== null) {
    if (!ERROR_CODES.includes(r.error.code)) return `unknown error code ${String(r.error.code)}`;
    if (typeof r.error.message !== 'string' || r.error.message.length === 0) return 'empty error message';
    const d = r.error.droppedBytes;
    if (d !== undefined && !(Number.isInteger(d) && d >= 0)) return `bad droppedBytes ${d}`;
  }
  for (const item of r.items) {
    const problem = checkItem(item);
    if (problem) return `${item.kind}: ${problem}`;
  }
  return '';
}

function checkItem(item: DecodedItem): string {
  for (const [k, v] of Object.entries(item)) {
    if (typeof v === 'number' && !Number.isFinite(v)) return `${k} = ${v}`;
    if (v instanceof Float64Array && !v.every(Number.isFinite)) return `${k} has a non-finite value`;
    if (Array.isArray(v) && !v.every((x) => typeof x !== 'number' || Number.isFinite(x)))
      return `${k} has a non-finite value`;
  }
  switch (item.kind) {
    case 'acc':
    case 'gyro':
    case 'euler': {
      const values =
        item.kind === 'acc' ? item.valuesMs2 : item.kind === 'gyro' ? item.valuesDps : item.valuesDeg;
      if (item.count < 1 || values.length !== 3 * item.count)
        return `count ${item.count} vs ${values.length} values`;
      if (item.sensorTUs && item.sensorTUs.length !== item.count) return 'sensorTUs length ≠ count';
      return '';
    }
    case 'force':
      if (item.count < 1 || item.forceN.length !== item.count)
        return `count ${item.count} vs ${item.forceN.length} values`;
      if (item.sensorTUs && item.sensorTUs.length !== item.count) return 'sensorTUs length ≠ count';
      return '';
    case 'battery':
      return item.percent !== null && (item.percent < 0 || item.percent > 100)
        ? `percent ${item.percent}`
        : '';
    default:
      return '';
  }
}

function configsFor(id: string): DeviceConfig[] {
  const seen = new Map<string, DeviceConfig>([['{}', {}]]);
  for (const v of driverVectors[id]!.decode) if (v.config) seen.set(JSON.stringify(v.config), v.config);
  return [...seen.values()];
}

function fuzzDriver(driver: SensorDriver, seed: number) {
  const rng = createPrng(seed);
  const vectors = driverVectors[driver.id]!.decode;
  const seeds = vectors.flatMap((v) => [
    { characteristic: v.characteristic, bytes: vectorBytes(v.hex) },
    ...(v.before ?? []).map((p) => ({ characteristic: p.characteristic, bytes: vectorBytes(p.hex) })),
  ]);
  const chars = [...new Set([...driver.gatt.subscribe, ...seeds.map((s) => s.characteristic), '2a37'])];
  const decoders: DeviceDecoder[] = configsFor(driver.id).map((c) => driver.createDecoder(c));
  const counts: Record<string, number> = { ok: 0, silent: 0, threw: 0, malformed: 0 };
  for (const code of ERROR_CODES) counts[code] = 0;
  const firstProblems: string[] = [];
  let samples = 0;

  for (let i = 0; i < PACKETS_PER_DRIVER; i++) {
    const decoder = decoders[i % decoders.length]!;
    if (rng.int(2000) === 0) decoder.reset();
    let characteristic: string;
    let bytes: Uint8Array;
    if (rng.int(10) < 4) {
      characteristic =
        rng.int(8) === 0
          ? chars[rng.int(chars.length)]!
          : driver.gatt.subscribe[rng.int(driver.gatt.subscribe.length)]!;
      bytes = rng.bytes(rng.int(rng.int(4) === 0 ? 260 : 40));
    } else {
      const s = seeds[rng.int(seeds.length)]!;
      characteristic = rng.int(50) === 0 ? chars[rng.int(chars.length)]! : s.characteristic;
      bytes = mutate(rng, s.bytes, seeds[rng.int(seeds.length)]!.bytes);
    }
    let result: DecodeResult;
    try {
      result = decoder.decode(characteristic, bytes);
    } catch (e) {
      counts.threw!++;
      if (firstProblems.length < 5)
        firstProblems.push(`threw ${String(e)} on ${characteristic} ${Buffer.from(bytes).toString('hex')}`);
      continue;
    }
    const problem = checkResult(result);
    if (problem) {
      counts.malformed!++;
      if (firstProblems.length < 5)
        firstProblems.push(`${problem} on ${characteristic} ${Buffer.from(bytes).toString('hex')}`);
      continue;
    }
    if (result.error) counts[result.error.code]!++;
    else if (result.items.length > 0) counts.ok!++;
    else counts.silent!++;
    for (const item of result.items) samples += 'count' in item ? item.count : item.kind === 'rsc' ? 1 : 0;
  }
  return { counts, firstProblems, samples };
}

describe.each(drivers.map((d, k) => ({ id: d.id, driver: d, seed: 1000 + k })))(
  'fuzz $id',
  ({ driver, seed }) => {
    it(`${PACKETS_PER_DRIVER.toLocaleString('en')} random and mutated packets: no throw, well-formed, every outcome counted`, () => {
      const { counts, firstProblems, samples } = fuzzDriver(driver, seed);
      const summary = JSON.stringify(counts);
      expect(firstProblems, summary).toEqual([]);
      expect(counts.threw).toBe(0);
      expect(counts.malformed).toBe(0);
      const total = Object.values(counts).reduce((a, b) => a + b, 0);
      expect(total).toBe(PACKETS_PER_DRIVER);
      // Both outcomes occur: fuzzing exercised the decoding paths, not only the rejections.
      expect(counts.ok, summary).toBeGreaterThan(PACKETS_PER_DRIVER / 100);
      expect(PACKETS_PER_DRIVER - counts.ok! - counts.silent!, summary).toBeGreaterThan(
        PACKETS_PER_DRIVER / 10,
      );
      expect(samples).toBeGreaterThan(0);
    });
  },
);
