import { EventEmitter } from 'node:events';
import { performance } from 'node:perf_hooks';
import type { Activity, DeviceInfo, RecordingEvent, RecordingHeader, Side } from '@hamstream/core';
import { getDriver } from '@hamstream/sensors';
import {
  buildPeripheralModel,
  type PeripheralModel,
  type ResponseGroup,
  type VirtualPacket,
} from './peripheral-model.js';
import { createPrng, hashSeed } from './prng.js';

/**
 * A noble bindings object (the interface lib/hci-socket/bindings.js implements for noble 1.9.2) serving
 * simulated peripherals built from recordings. noble drives it exactly as it drives a real adapter:
 * `withBindings(createVirtualBindings(...))` gives a noble instance, and the daemon runs the same code
 * as with hardware. Event names and argument orders below are the ones lib/noble.js listens for.
 *
 * Timing: a device's clock starts when it first streams (subscribed and, if its driver has a start
 * sequence, started). From then on packet i is due at start + (t_i − t_0) / speed, scheduled against
 * the monotonic clock (no drift). The clock keeps running across disconnects: packets that come due
 * while the link is down or the stream is not restarted are lost, as with a real sensor. Devices of
 * the same recording share one time origin, unless one starts late (then it is shifted, not truncated).
 * Recorded connect/disconnect events are not replayed as link events: their packet gaps are.
 */

export interface VirtualRecording {
  path: string;
  header: RecordingHeader;
  events: readonly RecordingEvent[];
}

export interface VirtualAdapterOptions {
  /** Playback speed factor (recording time ÷ speed). Default 1. */
  speed?: number;
  /** Start over at the end instead of ending. */
  loop?: boolean;
  /** Probability that a due notification is lost. Default 0. */
  dropProbability?: number;
  /** Drop every link this many (real) seconds after it was established. */
  disconnectEverySec?: number | null;
  /** Seed for --drop. Default 1. */
  seed?: number;
  /** Monotonic ms. Default performance.now. */
  clock?: () => number;
  /** How often a peripheral advertises while scanning, ms. Default 100. */
  advertiseIntervalMs?: number;
  /** Link establishment time, ms. Default 10. */
  connectLatencyMs?: number;
  /** Time a control point takes to answer, ms. Default 5. */
  responseLatencyMs?: number;
  /** ATT MTU the peripheral agrees to. Default 247. */
  mtu?: number;
}

export interface VirtualPeripheralInfo {
  recordingIndex: number;
  recordingPath: string;
  /** The recording's device, with the address and name this peripheral advertises. */
  device: DeviceInfo;
  /** noble peripheral id. */
  id: string;
  address: string;
  localName: string;
  serviceUuids: string[];
}

export interface VirtualDeviceStats {
  recordingPath: string;
  device: string;
  address: string;
  /** Notifications delivered. */
  delivered: number;
  /** Lost to --drop. */
  dropped: number;
  /** Runs of consecutive --drop losses: the gaps a reader should find. */
  dropRuns: number;
  /** Came due while the link was down, the stream stopped or the characteristic unsubscribed. */
  lostOffline: number;
  forcedDisconnects: number;
  loops: number;
  ended: boolean;
}

/** A recording's `mark` replayed on the shared timeline (not BLE: offered beside the bindings). */
export interface VirtualMark {
  recordingIndex: number;
  activity: Activity | null;
  side?: Side;
}

export interface VirtualBindings extends EventEmitter {
  readonly peripherals: readonly VirtualPeripheralInfo[];
  /** Resolves when every peripheral that was ever connected has played its recording to the end. */
  readonly ended: Promise<void>;
  stats(): VirtualDeviceStats[];
  onMark(listener: (mark: VirtualMark) => void): () => void;
  /** Stops every timer. */
  close(): void;
  // noble bindings interface
  init(): void;
  setScanParameters(interval?: number, window?: number): void;
  startScanning(serviceUuids?: string[], allowDuplicates?: boolean): void;
  stopScanning(): void;
  connect(peripheralUuid: string, parameters?: unknown): void;
  cancelConnect(peripheralUuid: string): void;
  disconnect(peripheralUuid: string): void;
  reset(): void;
  updateRssi(peripheralUuid: string): void;
  discoverServices(peripheralUuid: string, uuids?: string[]): void;
  discoverIncludedServices(peripheralUuid: string, serviceUuid: string, serviceUuids?: string[]): void;
  discoverCharacteristics(peripheralUuid: string, serviceUuid: string, characteristicUuids?: string[]): void;
  read(peripheralUuid: string, serviceUuid: string, characteristicUuid: string): void;
  write(
    peripheralUuid: string,
    serviceUuid: string,
    characteristicUuid: string,
    data: Buffer,
    withoutResponse: boolean,
  ): void;
  broadcast(
    peripheralUuid: string,
    serviceUuid: string,
    characteristicUuid: string,
    broadcast: boolean,
  ): void;
  notify(peripheralUuid: string, serviceUuid: string, characteristicUuid: string, notify: boolean): void;
  discoverDescriptors(peripheralUuid: string, serviceUuid: string, characteristicUuid: string): void;
  readValue(
    peripheralUuid: string,
    serviceUuid: string,
    characteristicUuid: string,
    descriptorUuid: string,
  ): void;
  writeValue(
    peripheralUuid: string,
    serviceUuid: string,
    characteristicUuid: string,
    descriptorUuid: string,
    data: Buffer,
  ): void;
  readHandle(peripheralUuid: string, handle: number): void;
  writeHandle(peripheralUuid: string, handle: number, data: Buffer, withoutResponse: boolean): void;
}

/** With fewer start writes than the recording had, the stream starts this long after the last one. */
const WRITES_IDLE_MS = 300;

interface RecordingClock {
  /** Real ms at which recording time `t` was due. */
  real: number;
  t: number;
  marks: { t: number; activity: Activity | null; side?: Side }[];
  markCursor: number;
  markLoop: number;
  markTimer: NodeJS.Timeout | null;
  periodMs: number;
}

class PeripheralRuntime {
  connected = false;
  connectTimer: NodeJS.Timeout | null = null;
  lifeTimer: NodeJS.Timeout | null = null;
  pumpTimer: NodeJS.Timeout | null = null;
  responseTimers = new Set<NodeJS.Timeout>();
  readonly notifying = new Set<string>();
  writes = 0;
  writesIdle = false;
  writeIdleTimer: NodeJS.Timeout | null = null;
  readonly consumed = new Set<number>();
  readonly readCursor = new Map<string, number>();
  anchored = false;
  anchorReal = 0;
  anchorT = 0;
  cursor = 0;
  loop = 0;
  ended: boolean;
  everConnected = false;
  prevDropped = false;
  readonly stats: VirtualDeviceStats;
  readonly random: () => number;
  readonly rssi: number;

  constructor(
    readonly model: PeripheralModel,
    readonly info: VirtualPeripheralInfo,
    seed: number,
    index: number,
  ) {
    this.ended = model.timeline.length === 0;
    this.random = createPrng(hashSeed(seed, `${info.recordingIndex}/${model.deviceId}`));
    this.rssi = -45 - ((index * 7) % 35);
    this.stats = {
      recordingPath: info.recordingPath,
      device: model.deviceId,
      address: model.address,
      delivered: 0,
      dropped: 0,
      dropRuns: 0,
      lostOffline: 0,
      forcedDisconnects: 0,
      loops: 0,
      ended: this.ended,
    };
  }

  get streaming(): boolean {
    if (!this.connected || this.notifying.size === 0) return false;
    if (!this.model.needsStartWrite) return true;
    // Started by the recorded number of start writes, or by fewer once the writes have stopped coming
    // (a daemon configured differently from the recording).
    return this.writes >= this.model.startWrites || (this.writes > 0 && this.writesIdle);
  }

  get advertising(): boolean {
    // A device whose recording is over is switched off; a silent one (no packets) stays around.
    return !this.connected && this.connectTimer === null && !(this.ended && this.model.timeline.length > 0);
  }
}

function uniqueAddress(
  wanted: string | undefined,
  recordingIndex: number,
  deviceIndex: number,
  used: Set<string>,
) {
  const ok = wanted && /^([0-9a-f]{2}:){5}[0-9a-f]{2}$/i.test(wanted) ? wanted.toLowerCase() : null;
  if (ok && !used.has(ok)) {
    used.add(ok);
    return ok;
  }
  // Locally administered address: c2:7e:00:<recording>:<device>:<n>.
  for (let n = 1; ; n++) {
    const hex = (v: number) => (v & 0xff).toString(16).padStart(2, '0');
    const a = `c2:7e:00:${hex(recordingIndex)}:${hex(deviceIndex)}:${hex(n)}`;
    if (!used.has(a)) {
      used.add(a);
      return a;
    }
  }
}

export function createVirtualBindings(
  recordings: readonly VirtualRecording[],
  options: VirtualAdapterOptions = {},
): VirtualBindings {
  const speed = options.speed ?? 1;
  if (!(speed > 0) || !Number.isFinite(speed))
    throw new RangeError(`speed must be a positive number, got ${speed}`);
  const drop = options.dropProbability ?? 0;
  if (!(drop >= 0 && drop < 1)) throw new RangeError(`drop probability must be in [0, 1), got ${drop}`);
  const loop = options.loop ?? false;
  const disconnectEveryMs = options.disconnectEverySec ? options.disconnectEverySec * 1000 : null;
  const clock = options.clock ?? (() => performance.now());
  const advertiseIntervalMs = options.advertiseIntervalMs ?? 100;
  const connectLatencyMs = options.connectLatencyMs ?? 10;
  const responseLatencyMs = options.responseLatencyMs ?? 5;
  const mtu = options.mtu ?? 247;
  const seed = options.seed ?? 1;

  const emitter = new EventEmitter() as VirtualBindings;
  const peripherals = new Map<string, PeripheralRuntime>();
  const usedAddresses = new Set<string>();
  const usedNames = new Map<string, number>();
  const infos: VirtualPeripheralInfo[] = [];
  const clocks: (RecordingClock | null)[] = recordings.map(() => null);
  const markListeners = new Set<(mark: VirtualMark) => void>();
  let closed = false;
  let scanTimer: NodeJS.Timeout | null = null;
  let scanFilter: string[] = [];
  let resolveEnded!: () => void;
  let endedDone = false;
  const ended = new Promise<void>((resolve) => {
    resolveEnded = resolve;
  });

  recordings.forEach((rec, ri) => {
    rec.header.devices.forEach((device, di) => {
      const address = uniqueAddress(device.address, ri, di, usedAddresses);
      const driver = getDriver(device.driver);
      const model0 = buildPeripheralModel(device, rec.events, driver, { address });
      // The same recording served twice advertises twice: keep names distinguishable.
      const seen = usedNames.get(model0.localName) ?? 0;
      usedNames.set(model0.localName, seen + 1);
      const model = seen === 0 ? model0 : { ...model0, localName: `${model0.localName} #${seen + 1}` };
      const info: VirtualPeripheralInfo = {
        recordingIndex: ri,
        recordingPath: rec.path,
        device: { ...device, address: model.address, name: model.localName },
        id: model.id,
        address: model.address,
        localName: model.localName,
        serviceUuids: model.serviceUuids,
      };
      infos.push(info);
      peripherals.set(model.id, new PeripheralRuntime(model, info, seed, infos.length - 1));
    });
  });

  const later = (fn: () => void) => {
    setImmediate(() => {
      if (!closed) fn();
    });
  };

  const timer = (fn: () => void, ms: number): NodeJS.Timeout =>
    setTimeout(
      () => {
        if (!closed) fn();
      },
      Math.max(0, ms),
    );

  function checkEnded(): void {
    if (endedDone) return;
    let any = false;
    for (const p of peripherals.values()) {
      if (p.connectTimer !== null) return;
      if (!p.everConnected) continue;
      if (!p.ended) return;
      any = true;
    }
    if (!any) return;
    endedDone = true;
    resolveEnded();
    emitter.emit('end');
  }

  function teardownLink(p: PeripheralRuntime): void {
    p.connected = false;
    p.notifying.clear();
    p.writes = 0;
    p.writesIdle = false;
    if (p.writeIdleTimer) clearTimeout(p.writeIdleTimer);
    p.writeIdleTimer = null;
    if (p.lifeTimer) clearTimeout(p.lifeTimer);
    p.lifeTimer = null;
    for (const t of p.responseTimers) clearTimeout(t);
    p.responseTimers.clear();
    p.prevDropped = false;
  }

  function dropLink(p: PeripheralRuntime, reason: string): void {
    if (!p.connected) return;
    teardownLink(p);
    emitter.emit('disconnect', p.model.id, reason);
  }

  function deliver(p: PeripheralRuntime, packet: VirtualPacket): void {
    if (!p.streaming || (!packet.read && !p.notifying.has(packet.characteristic))) {
      p.stats.lostOffline++;
      return;
    }
    if (drop > 0 && p.random() < drop) {
      p.stats.dropped++;
      if (!p.prevDropped) p.stats.dropRuns++;
      p.prevDropped = true;
      return;
    }
    p.prevDropped = false;
    p.stats.delivered++;
    const service = p.model.serviceOf.get(packet.characteristic) ?? p.model.services[0]?.uuid ?? '';
    emitter.emit('read', p.model.id, service, packet.characteristic, packet.data, !packet.read);
  }

  function endOfRecording(p: PeripheralRuntime): void {
    p.ended = true;
    p.stats.ended = true;
    if (p.pumpTimer) clearTimeout(p.pumpTimer);
    p.pumpTimer = null;
    dropLink(p, 'end of recording');
    checkEnded();
  }

  function dueOf(p: PeripheralRuntime, packet: VirtualPacket, loopIndex: number): number {
    return p.anchorReal + (packet.t + loopIndex * p.model.loopPeriodMs - p.anchorT) / speed;
  }

  function pump(p: PeripheralRuntime): void {
    p.pumpTimer = null;
    const timeline = p.model.timeline;
    const now = clock();
    while (p.cursor < timeline.length) {
      const packet = timeline[p.cursor]!;
      const due = dueOf(p, packet, p.loop);
      if (due > now) {
        p.pumpTimer = timer(() => pump(p), due - now);
        return;
      }
      deliver(p, packet);
      p.cursor++;
      if (p.cursor === timeline.length) {
        if (!loop) {
          endOfRecording(p);
          return;
        }
        p.cursor = 0;
        p.loop++;
        p.stats.loops++;
      }
    }
  }

  function anchor(p: PeripheralRuntime): void {
    const now = clock();
    const first = p.model.timeline[0]!;
    const ri = p.info.recordingIndex;
    let rc = clocks[ri];
    if (!rc) {
      rc = startRecordingClock(ri, now, first.t, p.model.loopPeriodMs);
    }
    const idealDue = rc.real + (first.t - rc.t) / speed;
    p.anchorReal = rc.real + Math.max(0, now - idealDue);
    p.anchorT = rc.t;
    p.anchored = true;
  }

  function maybeStart(p: PeripheralRuntime): void {
    if (!p.streaming || p.ended) return;
    if (!p.anchored) anchor(p);
    if (p.pumpTimer === null) pump(p);
  }

  // Marks: replayed on the recording's shared time origin, for whoever listens.
  function startRecordingClock(ri: number, real: number, t: number, periodMs: number): RecordingClock {
    const marks: RecordingClock['marks'] = [];
    for (const e of recordings[ri]!.events) {
      if (e.type === 'mark')
        marks.push(
          e.side ? { t: e.t, activity: e.activity, side: e.side } : { t: e.t, activity: e.activity },
        );
    }
    const rc: RecordingClock = { real, t, marks, markCursor: 0, markLoop: 0, markTimer: null, periodMs };
    clocks[ri] = rc;
    pumpMarks(ri, rc);
    return rc;
  }

  function pumpMarks(ri: number, rc: RecordingClock): void {
    rc.markTimer = null;
    const now = clock();
    while (rc.markCursor < rc.marks.length) {
      const m = rc.marks[rc.markCursor]!;
      const due = rc.real + (m.t + rc.markLoop * rc.periodMs - rc.t) / speed;
      if (due > now) {
        rc.markTimer = timer(() => pumpMarks(ri, rc), due - now);
        return;
      }
      const mark: VirtualMark = m.side
        ? { recordingIndex: ri, activity: m.activity, side: m.side }
        : { recordingIndex: ri, activity: m.activity };
      for (const l of markListeners) l(mark);
      rc.markCursor++;
      if (rc.markCursor === rc.marks.length && loop && rc.periodMs > 0) {
        rc.markCursor = 0;
        rc.markLoop++;
      }
    }
  }

  function pickResponse(p: PeripheralRuntime, data: Buffer): ResponseGroup | null {
    const op = data.length > 0 ? data[0]! : -1;
    const type = data.length > 1 ? data[1]! & 0x3f : -1;
    const groups = p.model.handshake;
    const exact = (g: ResponseGroup) => g.op === op && (g.type === null || type < 0 || g.type === type);
    const opOnly = (g: ResponseGroup) => g.op === op;
    // Prefer the next unused answer; after a reconnect the device answers the same request the same way.
    for (const test of [exact, opOnly]) {
      const i = groups.findIndex((g, idx) => !p.consumed.has(idx) && test(g));
      if (i >= 0) {
        p.consumed.add(i);
        return groups[i]!;
      }
    }
    for (const test of [exact, opOnly]) {
      const g = groups.find(test);
      if (g) return g;
    }
    return null;
  }

  function advertise(): void {
    for (const p of peripherals.values()) {
      if (!p.advertising) continue;
      const uuids = p.model.serviceUuids;
      if (scanFilter.length > 0 && !uuids.some((u) => scanFilter.includes(u))) continue;
      const advertisement = {
        localName: p.model.localName,
        serviceUuids: [...uuids],
        serviceData: [],
        txPowerLevel: undefined,
        manufacturerData: undefined,
      };
      emitter.emit('discover', p.model.id, p.model.address, 'public', true, advertisement, p.rssi, true);
    }
  }

  const withPeripheral = (id: string, fn: (p: PeripheralRuntime) => void) => {
    const p = peripherals.get(id);
    if (p) fn(p);
  };

  Object.assign(emitter, {
    peripherals: infos,
    ended,

    stats: (): VirtualDeviceStats[] => [...peripherals.values()].map((p) => ({ ...p.stats })),

    onMark(listener: (mark: VirtualMark) => void): () => void {
      markListeners.add(listener);
      return () => markListeners.delete(listener);
    },

    close(): void {
      if (closed) return;
      closed = true;
      if (scanTimer) clearInterval(scanTimer);
      for (const p of peripherals.values()) {
        for (const t of [p.connectTimer, p.lifeTimer, p.pumpTimer, p.writeIdleTimer]) if (t) clearTimeout(t);
        for (const t of p.responseTimers) clearTimeout(t);
      }
      for (const rc of clocks) if (rc?.markTimer) clearTimeout(rc.markTimer);
      markListeners.clear();
    },

    init(): void {
      later(() => {
        emitter.emit('addressChange', '00:00:00:00:00:00');
        emitter.emit('stateChange', 'poweredOn');
      });
    },

    setScanParameters(): void {
      later(() => emitter.emit('scanParametersSet'));
    },

    startScanning(serviceUuids?: string[], allowDuplicates?: boolean): void {
      scanFilter = serviceUuids ?? [];
      later(() => {
        emitter.emit('scanStart', !allowDuplicates);
        advertise();
      });
      if (scanTimer) clearInterval(scanTimer);
      scanTimer = setInterval(() => {
        if (!closed) advertise();
      }, advertiseIntervalMs);
    },

    stopScanning(): void {
      if (scanTimer) clearInterval(scanTimer);
      scanTimer = null;
      later(() => emitter.emit('scanStop'));
    },

    connect(id: string): void {
      const p = peripherals.get(id);
      if (!p) {
        later(() => emitter.emit('connect', id, new Error(`unknown peripheral ${id}`)));
        return;
      }
      if (p.connected || p.connectTimer) {
        later(() => emitter.emit('connect', id, new Error('already connected')));
        return;
      }
      // A switched-off device never answers: the attempt pends until the central cancels it.
      if (p.ended && p.model.timeline.length > 0) return;
      p.connectTimer = timer(() => {
        p.connectTimer = null;
        p.connected = true;
        p.everConnected = true;
        p.writes = 0;
        emitter.emit('connect', id, null);
        emitter.emit('onMtu', id, mtu);
        if (disconnectEveryMs !== null) {
          p.lifeTimer = timer(() => {
            p.stats.forcedDisconnects++;
            dropLink(p, 'link lost (virtual --disconnect-every)');
          }, disconnectEveryMs);
        }
        checkEnded();
      }, connectLatencyMs);
    },

    cancelConnect(id: string): void {
      withPeripheral(id, (p) => {
        if (p.connectTimer) clearTimeout(p.connectTimer);
        p.connectTimer = null;
        checkEnded();
      });
    },

    disconnect(id: string): void {
      withPeripheral(id, (p) => {
        if (p.connectTimer) {
          clearTimeout(p.connectTimer);
          p.connectTimer = null;
          later(() => emitter.emit('disconnect', id, 'disconnected by host'));
          return;
        }
        if (!p.connected) return;
        teardownLink(p);
        later(() => {
          emitter.emit('disconnect', id, 'disconnected by host');
          checkEnded();
        });
      });
    },

    reset(): void {},

    updateRssi(id: string): void {
      withPeripheral(id, (p) => later(() => emitter.emit('rssiUpdate', id, p.rssi)));
    },

    discoverServices(id: string, uuids?: string[]): void {
      withPeripheral(id, (p) => {
        const all = p.model.services.map((s) => s.uuid);
        const list = uuids && uuids.length > 0 ? all.filter((u) => uuids.includes(u)) : all;
        later(() => p.connected && emitter.emit('servicesDiscover', id, list));
      });
    },

    discoverIncludedServices(id: string, serviceUuid: string): void {
      later(() => emitter.emit('includedServicesDiscover', id, serviceUuid, []));
    },

    discoverCharacteristics(id: string, serviceUuid: string, characteristicUuids?: string[]): void {
      withPeripheral(id, (p) => {
        const service = p.model.services.find((s) => s.uuid === serviceUuid);
        const all = service?.characteristics ?? [];
        const list =
          characteristicUuids && characteristicUuids.length > 0
            ? all.filter((c) => characteristicUuids.includes(c.uuid))
            : all;
        const out = list.map((c) => ({ uuid: c.uuid, properties: [...c.properties] }));
        later(() => p.connected && emitter.emit('characteristicsDiscover', id, serviceUuid, out));
      });
    },

    read(id: string, serviceUuid: string, characteristicUuid: string): void {
      withPeripheral(id, (p) => {
        const values = p.model.reads.get(characteristicUuid) ?? [];
        const i = p.readCursor.get(characteristicUuid) ?? 0;
        p.readCursor.set(characteristicUuid, i + 1);
        const value = values.length > 0 ? values[Math.min(i, values.length - 1)]! : Buffer.alloc(0);
        later(() => p.connected && emitter.emit('read', id, serviceUuid, characteristicUuid, value, false));
      });
    },

    write(id: string, serviceUuid: string, characteristicUuid: string, data: Buffer): void {
      withPeripheral(id, (p) => {
        if (!p.connected) return;
        later(() => p.connected && emitter.emit('write', id, serviceUuid, characteristicUuid));
        p.writes++;
        p.writesIdle = false;
        if (p.writeIdleTimer) clearTimeout(p.writeIdleTimer);
        p.writeIdleTimer = timer(() => {
          p.writeIdleTimer = null;
          p.writesIdle = true;
          maybeStart(p);
        }, WRITES_IDLE_MS);
        const answer = characteristicUuid === p.model.controlCharacteristic ? pickResponse(p, data) : null;
        // The answer (if any) goes out before the stream starts, as a real control point does.
        const t = timer(() => {
          p.responseTimers.delete(t);
          if (!p.connected) return;
          for (const packet of answer?.packets ?? []) {
            if (!p.notifying.has(packet.characteristic)) continue;
            const service = p.model.serviceOf.get(packet.characteristic) ?? serviceUuid;
            emitter.emit('read', id, service, packet.characteristic, packet.data, true);
          }
          maybeStart(p);
        }, responseLatencyMs);
        p.responseTimers.add(t);
      });
    },

    broadcast(id: string, serviceUuid: string, characteristicUuid: string, state: boolean): void {
      later(() => emitter.emit('broadcast', id, serviceUuid, characteristicUuid, state));
    },

    notify(id: string, serviceUuid: string, characteristicUuid: string, enable: boolean): void {
      withPeripheral(id, (p) => {
        if (!p.connected) return;
        if (enable) p.notifying.add(characteristicUuid);
        else p.notifying.delete(characteristicUuid);
        later(() => {
          if (!p.connected) return;
          emitter.emit('notify', id, serviceUuid, characteristicUuid, enable);
          maybeStart(p);
        });
      });
    },

    discoverDescriptors(id: string, serviceUuid: string, characteristicUuid: string): void {
      later(() => emitter.emit('descriptorsDiscover', id, serviceUuid, characteristicUuid, []));
    },

    readValue(id: string, serviceUuid: string, characteristicUuid: string, descriptorUuid: string): void {
      later(() =>
        emitter.emit('valueRead', id, serviceUuid, characteristicUuid, descriptorUuid, Buffer.alloc(0)),
      );
    },

    writeValue(id: string, serviceUuid: string, characteristicUuid: string, descriptorUuid: string): void {
      later(() => emitter.emit('valueWrite', id, serviceUuid, characteristicUuid, descriptorUuid));
    },

    readHandle(id: string, handle: number): void {
      later(() => emitter.emit('handleRead', id, handle, Buffer.alloc(0)));
    },

    writeHandle(id: string, handle: number): void {
      later(() => emitter.emit('handleWrite', id, handle));
    },
  });
  return emitter;
}
