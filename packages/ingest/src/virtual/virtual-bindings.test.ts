import type { RecordingEvent } from '@hamstream/core';
import { describe, expect, it } from 'vitest';
import type { BleAdvertisement, BleConnection } from '../noble/ble-central.js';
import { type LoadedCentral, loadNobleCentral } from '../noble/load-noble-central.js';
import {
  BATTERY_LEVEL,
  makeRecording,
  POLAR_CP,
  POLAR_DATA,
  packetsOf,
  RSC_FEATURE,
  RSC_MEASUREMENT,
  TINDEQ_DATA,
  WT_NOTIFY,
} from '../test-support/make-recording.js';
import { buildPeripheralModel } from './peripheral-model.js';
import type { VirtualAdapterOptions, VirtualRecording } from './virtual-bindings.js';

async function central(
  recordings: VirtualRecording[],
  virtual: VirtualAdapterOptions = {},
): Promise<LoadedCentral> {
  const c = await loadNobleCentral({
    adapter: { kind: 'virtual', recordings: recordings.map((r) => r.path) },
    preloaded: recordings,
    virtual,
  });
  await c.waitReady(1000);
  return c;
}

async function scanFor(c: LoadedCentral, n: number): Promise<BleAdvertisement[]> {
  const seen = new Map<string, BleAdvertisement>();
  let resolve!: () => void;
  const done = new Promise<void>((r) => {
    resolve = r;
  });
  const scan = await c.startScan((adv) => {
    seen.set(adv.id, adv);
    if (seen.size >= n) resolve();
  });
  await done;
  await scan.stop();
  return [...seen.values()];
}

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

describe('peripheral model', () => {
  it('splits a recording into control answers, read values and a notification timeline', () => {
    const rec = makeRecording('mem:m', [
      { kind: 'polar-h10', id: 'chest', durationMs: 1000 },
      { kind: 'rsc', id: 'foot', durationMs: 1000 },
    ]);
    const polar = buildPeripheralModel(rec.header.devices[0]!, rec.events, undefined, {
      address: 'aa:bb:cc:dd:ee:01',
    });
    // Without a driver nothing is known about control points: everything is timeline.
    expect(polar.handshake).toHaveLength(0);

    return import('@hamstream/sensors').then(({ getDriver }) => {
      const m = buildPeripheralModel(rec.header.devices[0]!, rec.events, getDriver('polar-pmd'), {
        address: 'AA:BB:CC:DD:EE:01',
      });
      expect(m.id).toBe('aabbccddee01');
      expect(m.localName).toMatch(/^Polar H10 /);
      expect(m.serviceUuids).toEqual(['fb005c8002e7f3871cad8acd2d8df0c8']);
      expect(m.handshake).toEqual([
        { op: 2, type: 2, packets: [expect.objectContaining({ characteristic: POLAR_CP })] },
      ]);
      expect(m.timeline.every((p) => p.characteristic === POLAR_DATA)).toBe(true);
      expect(m.timeline).toHaveLength(packetsOf(rec.events, 'chest').length - 1);
      expect(m.startWrites).toBe(1);
      const cp = m.services.flatMap((s) => s.characteristics).find((c) => c.uuid === POLAR_CP)!;
      expect(cp.properties).toEqual(expect.arrayContaining(['indicate', 'write', 'read']));

      const rsc = buildPeripheralModel(rec.header.devices[1]!, rec.events, getDriver('ble-rsc'), {
        address: 'aa:bb:cc:dd:ee:02',
      });
      expect([...rsc.reads.keys()].sort()).toEqual([BATTERY_LEVEL, RSC_FEATURE]);
      expect(rsc.timeline.every((p) => p.characteristic === RSC_MEASUREMENT)).toBe(true);
      // Battery lives in the Battery service, as on a real footpod.
      expect(rsc.serviceOf.get(BATTERY_LEVEL)).toBe('180f');
      expect(rsc.services.map((s) => s.uuid).sort()).toEqual(['180f', '1814']);
      // The RSC location characteristic was never read in the recording: not offered.
      expect(rsc.serviceOf.has('2a5d')).toBe(false);
    });
  });
});

describe('virtual bindings behind noble', () => {
  it('advertises the recorded name, address and driver service UUIDs', async () => {
    const rec = makeRecording('mem:adv', [
      { kind: 'witmotion', id: 'L-shank', durationMs: 500, address: 'c1:22:33:44:55:66', name: 'WT901BLE67' },
      { kind: 'tindeq', id: 'handle', durationMs: 500 },
    ]);
    const c = await central([rec]);
    const ads = await scanFor(c, 2);
    const wt = ads.find((a) => a.address === 'c1:22:33:44:55:66')!;
    expect(wt).toMatchObject({
      id: 'c12233445566',
      localName: 'WT901BLE67',
      serviceUuids: ['0000ffe500001000800000805f9a34fb'],
      connectable: true,
    });
    const tq = ads.find((a) => a.id !== wt.id)!;
    expect(tq.localName).toMatch(/^Progressor_/);
    expect(tq.serviceUuids).toEqual(['7e4e17011ea640c99dcc13d34ffead57']);
    expect(c.virtual!.peripherals.map((p) => p.device.id)).toEqual(['L-shank', 'handle']);
    await c.close();
  });

  it('answers control-point writes as the recording did and streams only after the start command', async () => {
    const rec = makeRecording('mem:cp', [{ kind: 'polar-h10', id: 'chest', durationMs: 5000 }]);
    const c = await central([rec], { speed: 10 });
    const [adv] = await scanFor(c, 1);
    const conn: BleConnection = await c.connect(adv!.id, { timeoutMs: 1000 });
    expect(conn.mtu).toBe(247);
    const chars = await conn.discover(1000);
    const service = chars.find((x) => x.uuid === POLAR_CP)!.serviceUuid;
    const got: string[] = [];
    await conn.subscribe(service, POLAR_CP, (d) => got.push(`cp:${hex(d)}`), 1000);
    await conn.subscribe(service, POLAR_DATA, (d) => got.push(`data:${hex(d).slice(0, 2)}`), 1000);
    await new Promise((r) => setTimeout(r, 50));
    expect(got).toEqual([]); // subscribed, not started: a Polar sends nothing yet
    await conn.write(service, POLAR_CP, new Uint8Array([0x02, 0x02, 0x00, 0x01, 0xc8, 0x00]), true, 1000);
    await new Promise((r) => setTimeout(r, 120));
    expect(got[0]).toBe('cp:f002020000');
    expect(got.slice(1)).toEqual(got.slice(1).map(() => 'data:02'));
    expect(got.length).toBeGreaterThan(2);
    await conn.disconnect();
    expect((await conn.closed).requested).toBe(true);
    await c.close();
  });

  it('serves recorded reads, then ends: disconnect with reason "end of recording" and `ended` resolves', async () => {
    const rec = makeRecording('mem:rsc', [{ kind: 'rsc', id: 'foot', durationMs: 800 }]);
    const c = await central([rec], { speed: 20 });
    const [adv] = await scanFor(c, 1);
    const conn = await c.connect(adv!.id, { timeoutMs: 1000 });
    const chars = await conn.discover(1000);
    const feature = chars.find((x) => x.uuid === RSC_FEATURE)!;
    const battery = chars.find((x) => x.uuid === BATTERY_LEVEL)!;
    expect(hex(await conn.read(feature.serviceUuid, feature.uuid, 1000))).toBe('0700');
    expect(hex(await conn.read(battery.serviceUuid, battery.uuid, 1000))).toBe('57');
    const measurement = chars.find((x) => x.uuid === RSC_MEASUREMENT)!;
    const got: string[] = [];
    await conn.subscribe(measurement.serviceUuid, measurement.uuid, (d) => got.push(hex(d)), 1000);
    const info = await conn.closed;
    expect(info).toEqual({ reason: 'end of recording', requested: false });
    await c.ended;
    const want = packetsOf(rec.events, 'foot')
      .filter((p) => p.characteristic === RSC_MEASUREMENT)
      .map((p) => p.data);
    expect(got).toEqual(want);
    // A peripheral whose recording is over is switched off: connecting never succeeds.
    await expect(c.connect(adv!.id, { timeoutMs: 100 })).rejects.toMatchObject({ code: 'timeout' });
    await c.close();
  });

  it('drops links every S seconds; the peripheral is connectable again and time has moved on', async () => {
    const rec = makeRecording('mem:drop', [{ kind: 'tindeq', id: 'handle', durationMs: 10_000 }]);
    const c = await central([rec], { speed: 10, disconnectEverySec: 0.15 });
    const [adv] = await scanFor(c, 1);
    const first: string[] = [];
    const subscribe = async (conn: BleConnection, into: string[]) => {
      const chars = await conn.discover(1000);
      const data = chars.find((x) => x.uuid === TINDEQ_DATA)!;
      const control = chars.find((x) => x.uuid === '7e4e17031ea640c99dcc13d34ffead57')!;
      await conn.subscribe(data.serviceUuid, data.uuid, (d) => into.push(hex(d)), 1000);
      await conn.write(control.serviceUuid, control.uuid, new Uint8Array([0x65]), true, 1000);
    };
    const a = await c.connect(adv!.id, { timeoutMs: 1000 });
    await subscribe(a, first);
    expect((await a.closed).reason).toMatch(/disconnect-every/);
    await new Promise((r) => setTimeout(r, 100)); // 1 s of recording time passes while disconnected
    const second: string[] = [];
    const b = await c.connect(adv!.id, { timeoutMs: 1000 });
    await subscribe(b, second);
    await b.closed;
    const all = packetsOf(rec.events, 'handle').map((p) => p.data);
    expect(first.length).toBeGreaterThan(5);
    expect(second.length).toBeGreaterThan(5);
    const resumeAt = all.indexOf(second[0]!);
    // Packets during the outage are lost: the second link starts well after the first ended.
    expect(resumeAt).toBeGreaterThan(all.indexOf(first[first.length - 1]!) + 40);
    expect(c.virtual!.stats()[0]).toMatchObject({ forcedDisconnects: 2 });
    await c.close();
  });

  it('replays the recordings’ marks on the shared timeline', async () => {
    const marks: RecordingEvent[] = [
      { type: 'mark', t: 0, activity: 'bridge', side: 'left' },
      { type: 'mark', t: 400, activity: null },
    ];
    const rec = makeRecording('mem:marks', [{ kind: 'witmotion', id: 'L-thigh', durationMs: 600 }], marks);
    const c = await central([rec], { speed: 10 });
    const seen: unknown[] = [];
    c.virtual!.onMark((m) => seen.push(m));
    const [adv] = await scanFor(c, 1);
    const conn = await c.connect(adv!.id, { timeoutMs: 1000 });
    const chars = await conn.discover(1000);
    const notify = chars.find((x) => x.uuid === WT_NOTIFY)!;
    await conn.subscribe(notify.serviceUuid, notify.uuid, () => {}, 1000);
    await c.ended;
    expect(seen).toEqual([
      { recordingIndex: 0, activity: 'bridge', side: 'left' },
      { recordingIndex: 0, activity: null },
    ]);
    await c.close();
  });

  it('gives two copies of one recording distinct addresses and names', async () => {
    const rec = makeRecording('mem:same', [
      { kind: 'witmotion', id: 'L-thigh', durationMs: 100, name: 'WT901BLE01' },
    ]);
    const c = await central([rec, { ...rec, path: 'mem:same-2' }]);
    const [p1, p2] = c.virtual!.peripherals;
    expect(p1!.address).not.toBe(p2!.address);
    expect(p1!.localName).toBe('WT901BLE01');
    expect(p2!.localName).toBe('WT901BLE01 #2');
    await c.close();
  });
});
