import { HamstreamError } from '@hamstream/core';
import { describe, expect, it } from 'vitest';
import * as index from './index.js';
import { isNobleUuid } from './lib/uuid.js';
import { drivers, getDriver, isKnownDriverId, KNOWN_DRIVER_IDS, matchAdvertisement } from './registry.js';
import type { SensorDriver } from './types.js';
import { driverVectors } from './vectors/index.js';

function uuidsOf(d: SensorDriver): string[] {
  return [
    d.gatt.service,
    ...d.gatt.subscribe,
    ...(d.gatt.control ? [d.gatt.control] : []),
    ...(d.gatt.read ?? []),
    ...d.match.serviceUuids,
  ];
}

describe('driver registry', () => {
  it('ids are unique, kebab-case and listed in KNOWN_DRIVER_IDS in order', () => {
    const ids = drivers.map((d) => d.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
    expect(ids).toEqual([...KNOWN_DRIVER_IDS]);
  });

  it('getDriver finds each driver and nothing else', () => {
    for (const d of drivers) {
      expect(getDriver(d.id)).toBe(d);
      expect(isKnownDriverId(d.id)).toBe(true);
    }
    expect(getDriver('imported')).toBeUndefined();
    expect(isKnownDriverId('polar')).toBe(false);
  });

  it('every definition is exported from the package index', () => {
    const exported = new Set(Object.values(index));
    for (const d of drivers) expect(exported.has(d)).toBe(true);
    expect(index.drivers).toBe(drivers);
  });

  it.each(drivers)('$id: UUIDs are in noble form', (d) => {
    for (const u of uuidsOf(d)) expect(isNobleUuid(u), u).toBe(true);
  });

  it.each(drivers)('$id: declares models, a way to be found, and what it emits', (d) => {
    expect(d.vendor.length).toBeGreaterThan(0);
    expect(d.models.length).toBeGreaterThan(0);
    expect(d.match.serviceUuids.length + d.match.namePrefixes.length).toBeGreaterThan(0);
    expect(d.emits.length).toBeGreaterThan(0);
    expect(new Set(d.emits).size).toBe(d.emits.length);
    expect(d.gatt.subscribe.length).toBeGreaterThan(0);
  });

  it.each(drivers)('$id: every subscribed characteristic has positive and negative vectors', (d) => {
    const v = driverVectors[d.id]!;
    expect(v).toBeDefined();
    for (const c of d.gatt.subscribe) {
      const forChar = v.decode.filter((x) => x.characteristic === c);
      expect(
        forChar.some((x) => !x.error && (x.expected?.length ?? 0) > 0),
        `positive vector for ${c}`,
      ).toBe(true);
      expect(
        forChar.some((x) => x.error),
        `negative vector for ${c}`,
      ).toBe(true);
    }
    expect(v.commands.some((x) => x.command === 'start')).toBe(true);
    expect(v.commands.some((x) => x.command === 'stop')).toBe(true);
  });

  it.each(drivers)(
    '$id: every emitted kind appears in a vector, and vectors emit nothing undeclared',
    (d) => {
      const seen = new Set(driverVectors[d.id]!.decode.flatMap((x) => (x.expected ?? []).map((e) => e.kind)));
      expect([...seen].sort()).toEqual([...d.emits].sort());
    },
  );

  it.each(drivers)('$id: vectors use only characteristics the driver knows', (d) => {
    const known = new Set(uuidsOf(d));
    for (const x of driverVectors[d.id]!.decode) {
      if (x.error === 'E_UNKNOWN_CHARACTERISTIC') continue;
      expect(known.has(x.characteristic), `${x.name}: ${x.characteristic}`).toBe(true);
      for (const p of x.before ?? []) expect(known.has(p.characteristic)).toBe(true);
    }
  });

  it.each(drivers)(
    '$id: commands are written to its control characteristic; every named command has a vector',
    (d) => {
      const v = driverVectors[d.id]!;
      for (const x of v.commands)
        for (const s of x.expectedSteps) expect(s.characteristic).toBe(d.gatt.control);
      for (const name of Object.keys(d.commands ?? {}))
        expect(
          v.commands.some((x) => x.command === name),
          name,
        ).toBe(true);
    },
  );

  it.each(drivers)(
    '$id: checkConfig accepts the vectors’ configs and startSequence throws on a bad one',
    (d) => {
      for (const x of [...driverVectors[d.id]!.decode, ...driverVectors[d.id]!.commands]) {
        expect(d.checkConfig?.(x.config ?? {}), x.name).toEqual([]);
      }
      const bad = {
        rateHz: 13,
        cadenceUnit: 'hops' as never,
        model: d.id === 'polar-pmd' ? 'h10' : undefined,
      };
      const issues = d.checkConfig!(bad);
      expect(issues.length).toBeGreaterThan(0);
      for (const issue of issues) expect(issue).toMatch(/^config\.\w+: /);
      expect(() => d.startSequence(bad)).toThrow(HamstreamError);
    },
  );
});

describe('matchAdvertisement', () => {
  it('finds each driver by its advertised service, in any UUID spelling', () => {
    expect(matchAdvertisement({ serviceUuids: ['0000FFE5-0000-1000-8000-00805F9A34FB'] })?.id).toBe(
      'witmotion-wt901',
    );
    expect(matchAdvertisement({ serviceUuids: ['FB005C80-02E7-F387-1CAD-8ACD2D8DF0C8'] })?.id).toBe(
      'polar-pmd',
    );
    expect(matchAdvertisement({ serviceUuids: ['7e4e1701-1ea6-40c9-9dcc-13d34ffead57'] })?.id).toBe(
      'tindeq-progressor',
    );
    expect(matchAdvertisement({ serviceUuids: ['00001814-0000-1000-8000-00805f9b34fb'] })?.id).toBe(
      'ble-rsc',
    );
    expect(matchAdvertisement({ serviceUuids: ['1814'] })?.id).toBe('ble-rsc');
  });

  it('finds drivers by name when no known service is advertised', () => {
    expect(matchAdvertisement({ localName: 'Polar H10 87654321', serviceUuids: ['180d'] })?.id).toBe(
      'polar-pmd',
    );
    expect(matchAdvertisement({ localName: 'Polar Sense B36A2F21', serviceUuids: [] })?.id).toBe('polar-pmd');
    expect(matchAdvertisement({ localName: 'Progressor_7812', serviceUuids: [] })?.id).toBe(
      'tindeq-progressor',
    );
    expect(matchAdvertisement({ localName: 'WT901BLE68', serviceUuids: [] })?.id).toBe('witmotion-wt901');
  });

  it('prefers the service UUID over the name (a Polar Stride is an RSC footpod)', () => {
    expect(matchAdvertisement({ localName: 'Polar Stride 1A2B3C4D', serviceUuids: ['1814'] })?.id).toBe(
      'ble-rsc',
    );
    expect(matchAdvertisement({ localName: 'Polar Stride 1A2B3C4D', serviceUuids: [] })).toBeNull();
  });

  it('returns null for unrelated devices', () => {
    expect(matchAdvertisement({ localName: 'Forerunner 265', serviceUuids: ['180d', '180f'] })).toBeNull();
    expect(matchAdvertisement({ serviceUuids: [] })).toBeNull();
  });
});
