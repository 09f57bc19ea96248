import { type DeviceInfo, hexToBytes, type RecordingEvent } from '@hamstream/core';
import type { SensorDriver } from '@hamstream/sensors';

/**
 * What a simulated peripheral knows, built once from one device of a recording: how it advertises,
 * its GATT table, the packets it notifies on a timeline, the control-point answers it gives to writes
 * and the values it returns to reads. Pure; the runtime lives in virtual-bindings.ts.
 */

export interface VirtualPacket {
  /** ms on the recording's timeline. */
  t: number;
  characteristic: string;
  data: Buffer;
  /**
   * A value the recording shows the host read while streaming (a re-read after a recorded reconnect):
   * delivered as a read result at its time, not as a notification.
   */
  read?: true;
}

/** One answer to one control-point write: possibly several packets (Polar `more` continuation). */
export interface ResponseGroup {
  packets: VirtualPacket[];
  /** The request op the answer echoes (Polar `F0 op type`, RSC `10 op result`), when it has one. */
  op: number | null;
  /** Polar: the measurement type echoed after the op. */
  type: number | null;
}

export interface VirtualCharacteristic {
  uuid: string;
  properties: string[];
}

export interface VirtualService {
  uuid: string;
  characteristics: VirtualCharacteristic[];
}

export interface PeripheralModel {
  deviceId: string;
  driverId: string;
  /** noble's peripheral id: the address without colons. */
  id: string;
  address: string;
  localName: string;
  serviceUuids: string[];
  services: VirtualService[];
  /** characteristic → its service. */
  serviceOf: Map<string, string>;
  /** Packets notified with their original timing (data, and device-initiated control packets). */
  timeline: VirtualPacket[];
  /** Answers to the connection's control writes, in recorded order. */
  handshake: ResponseGroup[];
  /** Values returned by reads before streaming, per characteristic, in recorded order (the last one repeats). */
  reads: Map<string, Buffer[]>;
  controlCharacteristic: string | null;
  /**
   * Whether the device waits for a start command before streaming (Polar, Tindeq), judged from the
   * driver's start sequence for a default config; WitMotion and RSC stream once subscribed.
   */
  needsStartWrite: boolean;
  /** Writes the recorded config's start sequence has (the stream starts after as many, or when they stop). */
  startWrites: number;
  /** One loop of the timeline, ms: span plus one typical packet interval. */
  loopPeriodMs: number;
}

const BATTERY_SERVICE = '180f';
const DEVICE_INFORMATION_SERVICE = '180a';
const DEVICE_INFORMATION_CHARACTERISTICS = new Set([
  '2a23',
  '2a24',
  '2a25',
  '2a26',
  '2a27',
  '2a28',
  '2a29',
  '2a50',
]);

function serviceFor(characteristic: string, mainService: string): string {
  if (characteristic === '2a19') return BATTERY_SERVICE;
  if (DEVICE_INFORMATION_CHARACTERISTICS.has(characteristic)) return DEVICE_INFORMATION_SERVICE;
  return mainService;
}

/** A name the real sensor would advertise, when the header does not record one. */
export function typicalLocalName(driverId: string, device: DeviceInfo, address: string): string {
  const hex = address.replace(/:/g, '').toUpperCase();
  switch (driverId) {
    case 'witmotion-wt901':
      return `WT901BLE${hex.slice(-2)}`;
    case 'polar-pmd':
      return device.config.model === 'verity-sense'
        ? `Polar Sense ${hex.slice(-8)}`
        : `Polar H10 ${hex.slice(-8)}`;
    case 'tindeq-progressor':
      return `Progressor_${hex.slice(-4)}`;
    case 'ble-rsc':
      return `RSC ${hex.slice(-4)}`;
    default:
      return `hamstream ${device.id}`;
  }
}

function median(values: number[]): number {
  if (values.length === 0) return 0;
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function startWriteCount(driver: SensorDriver | undefined, device: DeviceInfo): number {
  if (!driver) return 0;
  try {
    return driver.startSequence(device.config).length;
  } catch {
    // A config the driver rejects: the daemon will not start this device either.
    return 0;
  }
}

/**
 * Groups the control-point packets recorded before streaming into answers, using the driver's decoder:
 * a packet that completes a `control-response` closes a group; one that decodes to nothing yet (Polar
 * `more`) continues it. A response whose op is its own first byte echoes no request (Polar's `0F …`
 * feature read): it was a read.
 */
function groupResponses(
  packets: VirtualPacket[],
  driver: SensorDriver | undefined,
  device: DeviceInfo,
  notAnAnswer: (p: VirtualPacket) => void,
): ResponseGroup[] {
  const groups: ResponseGroup[] = [];
  const decoder = driver?.createDecoder(device.config);
  let open: VirtualPacket[] = [];
  for (const p of packets) {
    const result = decoder?.decode(p.characteristic, new Uint8Array(p.data));
    const response = result?.items.find((i) => i.kind === 'control-response');
    if (response && response.kind === 'control-response') {
      if (open.length === 0 && p.data[0] === response.op) {
        notAnAnswer(p);
        continue;
      }
      open.push(p);
      groups.push({ packets: open, op: response.op, type: response.measurementType });
      open = [];
    } else if (result && result.items.length === 0 && result.error === null) {
      open.push(p);
    } else {
      for (const q of open) notAnAnswer(q);
      open = [];
      notAnAnswer(p);
    }
  }
  for (const q of open) notAnAnswer(q);
  return groups;
}

export interface BuildPeripheralOptions {
  address: string;
  /** Overrides the header name (unique names when the same recording is served twice). */
  localName?: string;
}

export function buildPeripheralModel(
  device: DeviceInfo,
  events: readonly RecordingEvent[],
  driver: SensorDriver | undefined,
  options: BuildPeripheralOptions,
): PeripheralModel {
  const address = options.address.toLowerCase();
  const mainService = driver?.gatt.service ?? 'ffe0';
  const subscribe = new Set(driver?.gatt.subscribe ?? []);
  const control = driver?.gatt.control ?? null;
  const readable = new Set(driver?.gatt.read ?? []);
  const readOnly = new Set([...readable].filter((c) => !subscribe.has(c)));

  const packets: VirtualPacket[] = [];
  for (const e of events) {
    if (e.type !== 'packet' || e.device !== device.id) continue;
    const bytes = hexToBytes(e.data);
    if (!bytes) continue;
    packets.push({ t: e.t, characteristic: e.characteristic, data: Buffer.from(bytes) });
  }

  const controlSubscribed = control !== null && subscribe.has(control);
  const firstData = packets.findIndex((p) => !readOnly.has(p.characteristic) && p.characteristic !== control);
  const handshakeEnd = firstData < 0 ? packets.length : firstData;

  const reads = new Map<string, Buffer[]>();
  const addRead = (p: VirtualPacket) => {
    const list = reads.get(p.characteristic) ?? [];
    list.push(p.data);
    reads.set(p.characteristic, list);
  };
  const timeline: VirtualPacket[] = [];
  const handshakePackets: VirtualPacket[] = [];
  packets.forEach((p, i) => {
    if (readOnly.has(p.characteristic)) {
      if (i < handshakeEnd) addRead(p);
      else timeline.push({ ...p, read: true });
    } else if (controlSubscribed && p.characteristic === control && i < handshakeEnd)
      handshakePackets.push(p);
    else timeline.push(p);
  });
  // A control packet before streaming that answers no write (Polar's `0F …` feature read) was a read.
  const handshake = groupResponses(handshakePackets, driver, device, (p) =>
    readable.has(p.characteristic) ? addRead(p) : timeline.unshift(p),
  );
  timeline.sort((a, b) => a.t - b.t);

  // GATT table: the driver's layout, plus whatever else the recording shows the device has.
  const props = new Map<string, Set<string>>();
  const add = (uuid: string, ...p: string[]) => {
    const set = props.get(uuid) ?? new Set<string>();
    for (const x of p) set.add(x);
    props.set(uuid, set);
  };
  for (const c of subscribe) add(c, c === control ? 'indicate' : 'notify');
  if (control !== null) add(control, 'write', 'writeWithoutResponse');
  for (const c of readable) if (!readOnly.has(c) || reads.has(c)) add(c, 'read');
  for (const p of timeline) if (!props.has(p.characteristic)) add(p.characteristic, 'notify');
  const serviceOf = new Map<string, string>();
  const byService = new Map<string, VirtualCharacteristic[]>();
  for (const [uuid, p] of props) {
    const service = serviceFor(uuid, mainService);
    serviceOf.set(uuid, service);
    const list = byService.get(service) ?? [];
    list.push({ uuid, properties: [...p] });
    byService.set(service, list);
  }
  const services = [...byService].map(([uuid, characteristics]) => ({ uuid, characteristics }));

  const deltas: number[] = [];
  for (let i = 1; i < timeline.length; i++) deltas.push(timeline[i]!.t - timeline[i - 1]!.t);
  const span = timeline.length > 0 ? timeline[timeline.length - 1]!.t - timeline[0]!.t : 0;
  const step = Math.max(median(deltas), 1);

  return {
    deviceId: device.id,
    driverId: device.driver,
    id: address.replace(/:/g, ''),
    address,
    localName: options.localName ?? device.name ?? typicalLocalName(device.driver, device, address),
    serviceUuids: [...(driver?.match.serviceUuids ?? [mainService])],
    services,
    serviceOf,
    timeline,
    handshake,
    reads,
    controlCharacteristic: control,
    needsStartWrite: driver ? startWriteCount(driver, { ...device, config: {} }) > 0 : false,
    startWrites: startWriteCount(driver, device),
    loopPeriodMs: span + step,
  };
}
