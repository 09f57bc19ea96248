import { getDriver, matchAdvertisement } from '@hamstream/sensors';
import type { BleAdvertisement, BleCentral, BleScan } from './noble/ble-central.js';

/** One supported sensor seen nearby. */
export interface ScanEntry {
  id: string;
  address: string;
  name: string | null;
  driver: string;
  rssi: number;
  /** From advertised battery service data, or a one-off read (`readBattery`); null when unknown. */
  batteryPercent: number | null;
  /** Monotonic ms of the last advertisement. */
  lastSeenMs: number;
}

export interface SensorScanOptions {
  /** Called whenever the list changes (new sensor, RSSI, battery). */
  onUpdate: (entries: ScanEntry[]) => void;
  /** Connect once to each sensor to read its battery level (2a19) when it does not advertise it. */
  readBattery?: boolean;
  monotonicMs?: () => number;
  operationTimeoutMs?: number;
}

export interface SensorScan {
  entries(): ScanEntry[];
  stop(): Promise<ScanEntry[]>;
}

function advertisedBattery(adv: BleAdvertisement): number | null {
  const data = adv.serviceData.find((d) => d.uuid === '180f' || d.uuid === '2a19')?.data;
  return data && data.length >= 1 && data[0]! <= 100 ? data[0]! : null;
}

/** Scans for supported sensors (those a driver recognises), keeping a live list. */
export async function startSensorScan(central: BleCentral, options: SensorScanOptions): Promise<SensorScan> {
  const now = options.monotonicMs ?? (() => performance.now());
  const timeoutMs = options.operationTimeoutMs ?? 5000;
  const entries = new Map<string, ScanEntry>();
  const batteryTried = new Set<string>();
  let stopped = false;
  const list = () => [...entries.values()].sort((a, b) => b.rssi - a.rssi);
  const update = () => {
    if (!stopped) options.onUpdate(list());
  };

  async function readBattery(entry: ScanEntry): Promise<void> {
    const driver = getDriver(entry.driver);
    let conn: Awaited<ReturnType<BleCentral['connect']>> | null = null;
    try {
      conn = await central.connect(entry.id, { timeoutMs });
      const chars = await conn.discover(timeoutMs);
      const battery = chars.find((c) => c.uuid === '2a19' && c.properties.includes('read'));
      if (battery) {
        const data = await conn.read(battery.serviceUuid, battery.uuid, timeoutMs);
        const decoded = driver
          ?.createDecoder({})
          .decode('2a19', data)
          .items.find((i) => i.kind === 'battery');
        const percent = decoded?.kind === 'battery' ? decoded.percent : data.length === 1 ? data[0]! : null;
        if (percent !== null) {
          entry.batteryPercent = percent;
          update();
        }
      }
    } catch {
      // Battery is a nicety: a sensor that will not tell is listed without it.
    } finally {
      await conn?.disconnect(timeoutMs);
    }
  }

  let batteryQueue = Promise.resolve();
  const scan: BleScan = await central.startScan((adv) => {
    const driver = matchAdvertisement({
      localName: adv.localName ?? undefined,
      serviceUuids: adv.serviceUuids,
    });
    if (!driver) return;
    const known = entries.get(adv.id);
    const battery = advertisedBattery(adv);
    const entry: ScanEntry = {
      id: adv.id,
      address: adv.address || adv.id,
      name: adv.localName ?? known?.name ?? null,
      driver: driver.id,
      rssi: adv.rssi,
      batteryPercent: battery ?? known?.batteryPercent ?? null,
      lastSeenMs: now(),
    };
    entries.set(adv.id, entry);
    const changed = !known || known.rssi !== entry.rssi || known.batteryPercent !== entry.batteryPercent;
    if (changed) update();
    if (
      options.readBattery &&
      entry.batteryPercent === null &&
      !batteryTried.has(adv.id) &&
      adv.connectable
    ) {
      batteryTried.add(adv.id);
      // One link at a time: adapters handle connects serially anyway.
      batteryQueue = batteryQueue.then(() => (stopped ? undefined : readBattery(entry)));
    }
  });

  return {
    entries: list,
    async stop() {
      stopped = true;
      await scan.stop();
      await batteryQueue;
      return list();
    },
  };
}
