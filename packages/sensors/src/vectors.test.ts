import { bytesToHex } from '@hamstream/core';
import { describe, expect, it } from 'vitest';
import { getDriver } from './registry.js';
import type { DecodeResult } from './types.js';
import { compareDecoded } from './vectors/compare.js';
import { driverVectors } from './vectors/index.js';
import { vectorBytes } from './vectors/types.js';

/** Every number a result carries, so a test can insist none is NaN or infinite. */
function numbersIn(result: DecodeResult): number[] {
  const out: number[] = [];
  for (const item of result.items) {
    for (const v of Object.values(item)) {
      if (typeof v === 'number') out.push(v);
      else if (v instanceof Float64Array) out.push(...v);
      else if (Array.isArray(v)) out.push(...v.filter((x): x is number => typeof x === 'number'));
    }
  }
  return out;
}

describe.each(Object.values(driverVectors))('$driverId vectors', ({ driverId, decode, commands }) => {
  const driver = getDriver(driverId)!;

  it('has a driver', () => {
    expect(driver?.id).toBe(driverId);
  });

  it.each(decode)('bytes → values: $name', (v) => {
    const decoder = driver.createDecoder(v.config ?? {});
    for (const p of v.before ?? []) {
      const primed = decoder.decode(p.characteristic, vectorBytes(p.hex));
      expect(primed.error, `set-up packet ${p.hex}`).toBeNull();
    }
    const result = decoder.decode(v.characteristic, vectorBytes(v.hex));
    if (v.error) {
      expect(result.error?.code).toBe(v.error);
      expect(result.error?.message.length).toBeGreaterThan(0);
    } else {
      expect(result.error).toBeNull();
    }
    if (v.droppedBytes !== undefined) expect(result.error?.droppedBytes).toBe(v.droppedBytes);
    expect(compareDecoded(result.items, v.expected ?? [], v.tolerance)).toEqual([]);
    expect(numbersIn(result).every(Number.isFinite)).toBe(true);
  });

  it.each(decode)('reset() forgets state: $name', (v) => {
    // Decoding after reset() gives what a fresh decoder gives when the set-up packets are replayed.
    const decoder = driver.createDecoder(v.config ?? {});
    decoder.decode(v.characteristic, vectorBytes(v.hex));
    decoder.reset();
    for (const p of v.before ?? []) decoder.decode(p.characteristic, vectorBytes(p.hex));
    const again = decoder.decode(v.characteristic, vectorBytes(v.hex));
    expect(again.error?.code ?? null).toBe(v.error ?? null);
    expect(compareDecoded(again.items, v.expected ?? [], v.tolerance)).toEqual([]);
  });

  it.each(commands)('settings → bytes: $name', (v) => {
    const build =
      v.command === 'start'
        ? driver.startSequence
        : v.command === 'stop'
          ? driver.stopSequence
          : driver.commands?.[v.command];
    expect(build, `command ${v.command}`).toBeTypeOf('function');
    const steps = build!(v.config);
    expect(
      steps.map((s) => ({
        characteristic: s.characteristic,
        hex: bytesToHex(s.bytes),
        withResponse: s.withResponse,
        ...(s.delayAfterMs !== undefined ? { delayAfterMs: s.delayAfterMs } : {}),
        ...(s.expectsResponse !== undefined ? { expectsResponse: s.expectsResponse } : {}),
      })),
    ).toEqual(v.expectedSteps.map((s) => ({ ...s, hex: s.hex.replace(/\s+/g, '').toLowerCase() })));
    for (const s of steps) expect(s.description.length).toBeGreaterThan(0);
  });
});
