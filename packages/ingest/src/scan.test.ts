import { describe, expect, it } from 'vitest';
import { loadNobleCentral } from './noble/load-noble-central.js';
import { startSensorScan } from './scan.js';
import { makeRecording } from './test-support/make-recording.js';

describe('sensor scan', () => {
  it('lists supported sensors with driver, name, address, RSSI and battery where readable', async () => {
    const rec = makeRecording('mem:scan', [
      { kind: 'witmotion', id: 'L-shank', durationMs: 500, name: 'WT901BLE67', address: 'c1:22:33:44:55:66' },
      { kind: 'rsc', id: 'foot', durationMs: 500, name: 'Stryd' },
    ]);
    const central = await loadNobleCentral({
      adapter: { kind: 'virtual', recordings: [rec.path] },
      preloaded: [rec],
    });
    await central.waitReady(1000);
    const updates: number[] = [];
    const scan = await startSensorScan(central, {
      readBattery: true,
      onUpdate: (e) => updates.push(e.length),
    });
    await new Promise((r) => setTimeout(r, 300));
    const entries = await scan.stop();
    await central.close();
    expect(updates.length).toBeGreaterThan(0);
    expect(entries.map((e) => [e.driver, e.name, e.batteryPercent])).toEqual(
      expect.arrayContaining([
        ['witmotion-wt901', 'WT901BLE67', null],
        ['ble-rsc', 'Stryd', 87],
      ]),
    );
    expect(entries.find((e) => e.driver === 'witmotion-wt901')!.address).toBe('c1:22:33:44:55:66');
    for (const e of entries) expect(e.rssi).toBeLessThan(0);
  });
});
