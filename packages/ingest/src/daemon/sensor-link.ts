import type { DecodedItem, DeviceDecoder, SensorDriver } from '@hamstream/sensors';
import { matchAdvertisement } from '@hamstream/sensors';
import type {
  BleAdvertisement,
  BleCentral,
  BleCharacteristicInfo,
  BleConnection,
} from '../noble/ble-central.js';
import { backoffDelayMs } from './backoff.js';
import type { IngestTuning, SensorConfig } from './config.js';
import { GapTracker } from './gap-tracker.js';
import type { IngestLogger } from './logger.js';
import type { ScanBroker } from './scan-broker.js';

export type SensorState =
  | 'searching'
  | 'connecting'
  | 'starting'
  | 'streaming'
  | 'waiting'
  | 'stopping'
  | 'stopped';

export interface SensorStatus {
  id: string;
  driver: string;
  state: SensorState;
  /** The peripheral in use, once found. */
  address: string | null;
  name: string | null;
  rssi: number | null;
  mtu: number | null;
  /** Last battery reading, %, when the driver decodes one. */
  batteryPercent: number | null;
  packets: number;
  samples: number;
  decodeErrors: number;
  /** Gaps found in streams with a sensor clock (see GapTracker). */
  gaps: number;
  connects: number;
  disconnects: number;
  lastError: string | null;
}

/** Where a link's events go: the daemon writes them to the recording, with t from the session clock. */
export interface LinkSink {
  packet(device: string, characteristic: string, data: Uint8Array): void;
  connect(device: string, reason?: string): void;
  disconnect(device: string, reason?: string): void;
  status(status: SensorStatus): void;
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (signal.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done);
  });

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** Does this advertisement belong to this sensor? Address wins; else name prefix and driver must match. */
export function advertisementMatcher(sensor: SensorConfig): (adv: BleAdvertisement) => boolean {
  if (sensor.address) {
    const wanted = sensor.address.toLowerCase();
    const compact = wanted.replace(/[:-]/g, '');
    return (adv) =>
      adv.address === wanted || adv.id.toLowerCase() === compact || adv.id.toLowerCase() === wanted;
  }
  return (adv) => {
    if (!adv.connectable) return false;
    if (sensor.name && !(adv.localName ?? '').startsWith(sensor.name)) return false;
    const driver = matchAdvertisement({
      localName: adv.localName ?? undefined,
      serviceUuids: adv.serviceUuids,
    });
    return driver?.id === sensor.driver;
  };
}

/**
 * One sensor's life: find its peripheral, connect, discover, subscribe, read, run the driver's start
 * sequence (waiting for control-point answers), stream; on any failure or drop, record it and retry with
 * bounded exponential backoff. Everything is local to this link: its errors never reach other sensors.
 */
export class SensorLink {
  private readonly abort = new AbortController();
  private conn: BleConnection | null = null;
  private peripheralId: string | null = null;
  private readonly decoder: DeviceDecoder;
  private readonly gaps = new GapTracker();
  private responseWaiter: ((item: DecodedItem & { kind: 'control-response' }) => void) | null = null;
  private lastDataAt = 0;
  private running: Promise<void> | null = null;
  private chars: BleCharacteristicInfo[] = [];
  readonly state: SensorStatus;

  constructor(
    private readonly sensor: SensorConfig,
    private readonly driver: SensorDriver,
    private readonly central: BleCentral,
    private readonly broker: ScanBroker,
    private readonly sink: LinkSink,
    private readonly tuning: IngestTuning,
    private readonly logger: IngestLogger,
    private readonly monotonicMs: () => number,
  ) {
    this.decoder = driver.createDecoder(sensor.config);
    this.state = {
      id: sensor.id,
      driver: sensor.driver,
      state: 'searching',
      address: null,
      name: null,
      rssi: null,
      mtu: null,
      batteryPercent: null,
      packets: 0,
      samples: 0,
      decodeErrors: 0,
      gaps: 0,
      connects: 0,
      disconnects: 0,
      lastError: null,
    };
  }

  start(): void {
    this.running ??= this.run().catch((e: unknown) => {
      // run() handles its own failures; this is a bug guard so one sensor can never take the daemon down.
      this.logger.error(`${this.sensor.id}: stopped unexpectedly: ${message(e)}`, { sensor: this.sensor.id });
      this.setState('stopped');
    });
  }

  private setState(state: SensorState, error?: string): void {
    this.state.state = state;
    if (error !== undefined) this.state.lastError = error;
    this.sink.status({ ...this.state });
  }

  private get stopping(): boolean {
    return this.abort.signal.aborted;
  }

  private async run(): Promise<void> {
    let attempt = 0;
    while (!this.stopping) {
      if (this.peripheralId === null) {
        this.setState('searching');
        const adv = await this.broker.find(
          this.sensor.id,
          advertisementMatcher(this.sensor),
          this.abort.signal,
        );
        if (!adv) break;
        this.peripheralId = adv.id;
        this.state.address = adv.address || adv.id;
        this.state.name = adv.localName;
        this.state.rssi = adv.rssi;
        this.logger.info(
          `${this.sensor.id}: found ${adv.localName ?? '(no name)'} ${this.state.address} (${adv.rssi} dBm)`,
          {
            sensor: this.sensor.id,
          },
        );
      }
      const streamed = await this.session(attempt);
      if (this.stopping) break;
      attempt = streamed ? 0 : attempt + 1;
      const delay = backoffDelayMs(attempt, this.tuning.backoff);
      this.setState('waiting');
      this.logger.info(`${this.sensor.id}: reconnecting in ${delay} ms`, { sensor: this.sensor.id, attempt });
      await sleep(delay, this.abort.signal);
    }
    this.setState('stopped');
  }

  /** One connection, from connect to link loss. Resolves true if it streamed. Never throws. */
  private async session(attempt: number): Promise<boolean> {
    const id = this.sensor.id;
    this.setState('connecting');
    const attemptConnect = this.central.connect(this.peripheralId!, {
      timeoutMs: this.tuning.connectTimeoutMs,
    });
    const aborted = new Promise<null>((resolve) => {
      if (this.stopping) resolve(null);
      this.abort.signal.addEventListener('abort', () => resolve(null), { once: true });
    });
    let conn: BleConnection | null;
    try {
      conn = await Promise.race([attemptConnect, aborted]);
    } catch (e) {
      this.logger.warn(`${id}: connect failed: ${message(e)}`, { sensor: id, attempt });
      this.state.lastError = message(e);
      return false;
    }
    if (conn === null || this.stopping) {
      // Stopping: a link that still comes up is dropped at once (the central cancels pending attempts on close).
      attemptConnect.then((c) => c.disconnect(this.tuning.stopTimeoutMs)).catch(() => undefined);
      return false;
    }
    this.conn = conn;
    this.state.connects++;
    this.state.mtu = conn.mtu;
    this.sink.connect(id, this.state.connects > 1 ? 'reconnect' : undefined);
    this.decoder.reset();
    this.gaps.reset();
    let streamed = false;
    let reason: string;
    try {
      this.setState('starting');
      await this.setUp(conn);
      streamed = true;
      this.state.mtu = conn.mtu;
      this.setState('streaming');
      this.logger.info(`${id}: streaming (MTU ${conn.mtu ?? 'unknown'})`, { sensor: id });
      reason = await this.watch(conn);
    } catch (e) {
      reason = message(e);
      this.state.lastError = reason;
      this.logger.warn(`${id}: ${reason}`, { sensor: id });
    }
    this.responseWaiter = null;
    if (this.stopping && conn.isOpen) return streamed; // stop() sends the stop writes and records the disconnect
    if (conn.isOpen) await conn.disconnect(this.tuning.stopTimeoutMs);
    const info = await conn.closed;
    if (this.conn === conn) this.conn = null;
    const why = info.requested ? reason : info.reason;
    this.recordDisconnect(conn, why);
    this.logger.info(`${id}: disconnected: ${why}`, { sensor: id });
    return streamed;
  }

  private readonly recorded = new WeakSet<BleConnection>();

  /** Exactly one disconnect event per connect event, whoever notices first (link loss or stop()). */
  private recordDisconnect(conn: BleConnection, reason: string): void {
    if (this.recorded.has(conn)) return;
    this.recorded.add(conn);
    this.state.disconnects++;
    this.sink.disconnect(this.sensor.id, reason);
  }

  /** Resolves with why streaming ended: link loss, silence, or stop. */
  private async watch(conn: BleConnection): Promise<string> {
    const silenceMs = this.tuning.silenceTimeoutMs;
    this.lastDataAt = this.monotonicMs();
    let timer: NodeJS.Timeout | undefined;
    const silence = new Promise<string>((resolve) => {
      if (silenceMs <= 0) return;
      const check = () => {
        const idle = this.monotonicMs() - this.lastDataAt;
        if (idle >= silenceMs) resolve(`no data for ${Math.round(idle)} ms`);
        else timer = setTimeout(check, silenceMs - idle + 5);
      };
      timer = setTimeout(check, silenceMs);
    });
    const stopped = new Promise<string>((resolve) => {
      if (this.stopping) resolve('stop');
      this.abort.signal.addEventListener('abort', () => resolve('stop'), { once: true });
    });
    const reason = await Promise.race([conn.closed.then((i) => i.reason), silence, stopped]);
    clearTimeout(timer);
    return reason;
  }

  private onData(characteristic: string, data: Uint8Array): void {
    this.lastDataAt = this.monotonicMs();
    this.state.packets++;
    this.sink.packet(this.sensor.id, characteristic, data);
    const result = this.decoder.decode(characteristic, data);
    if (result.error) this.state.decodeErrors++;
    for (const item of result.items) {
      switch (item.kind) {
        case 'acc':
        case 'gyro':
        case 'force':
          // Count samples once per instant: acc and gyro of one IMU would double it.
          if (item.kind !== 'gyro') this.state.samples += item.count;
          this.gaps.observe(item);
          break;
        case 'rsc':
          this.state.samples++;
          break;
        case 'battery':
          if (item.percent !== null) this.state.batteryPercent = item.percent;
          break;
        case 'control-response':
          this.responseWaiter?.(item);
          break;
        default:
          break;
      }
    }
    this.state.gaps = this.gaps.gaps;
  }

  private async setUp(conn: BleConnection): Promise<void> {
    const t = this.tuning;
    const chars = await conn.discover(t.operationTimeoutMs);
    this.chars = chars;
    conn.onUnsolicited((uuid, data) => this.onData(uuid, data));
    const find = (uuid: string): BleCharacteristicInfo | undefined =>
      chars.find((c) => c.uuid === uuid && c.serviceUuid === this.driver.gatt.service) ??
      chars.find((c) => c.uuid === uuid);
    // Reads first (features, battery): the stream has not started, so they land before the first sample.
    for (const uuid of this.driver.gatt.read ?? []) {
      const c = find(uuid);
      if (!c?.properties.includes('read')) continue; // optional (battery service absent, …)
      try {
        const data = await conn.read(c.serviceUuid, c.uuid, t.operationTimeoutMs);
        // Recorded like a notification: readers learn features and battery from the stream.
        if (data.length > 0) this.onData(c.uuid, data);
      } catch (e) {
        if (!conn.isOpen) throw e;
        this.logger.debug(`${this.sensor.id}: read ${uuid} failed: ${message(e)}`, {
          sensor: this.sensor.id,
        });
      }
    }
    for (const uuid of this.driver.gatt.subscribe) {
      const c = find(uuid);
      if (!c) throw new Error(`characteristic ${uuid} not found: is this a ${this.driver.id} device?`);
      await conn.subscribe(c.serviceUuid, c.uuid, (data) => this.onData(c.uuid, data), t.operationTimeoutMs);
    }
    for (const step of this.driver.startSequence(this.sensor.config)) {
      if (this.stopping) return;
      const c = find(step.characteristic);
      if (!c) throw new Error(`characteristic ${step.characteristic} not found for "${step.description}"`);
      const answered = step.expectsResponse ? this.nextResponse(t.responseTimeoutMs) : null;
      await conn.write(c.serviceUuid, c.uuid, step.bytes, step.withResponse, t.operationTimeoutMs);
      if (answered) {
        const response = await answered;
        if (response === null) {
          this.logger.warn(
            `${this.sensor.id}: no answer to "${step.description}" within ${t.responseTimeoutMs} ms`,
            {
              sensor: this.sensor.id,
            },
          );
        } else if (response.status !== 0) {
          this.logger.warn(`${this.sensor.id}: "${step.description}" answered ${response.statusText}`, {
            sensor: this.sensor.id,
            status: response.status,
          });
        }
      }
      if (step.delayAfterMs) await sleep(step.delayAfterMs, this.abort.signal);
    }
  }

  private nextResponse(timeoutMs: number): Promise<(DecodedItem & { kind: 'control-response' }) | null> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.responseWaiter = null;
        resolve(null);
      }, timeoutMs);
      this.responseWaiter = (item) => {
        clearTimeout(timer);
        this.responseWaiter = null;
        resolve(item);
      };
    });
  }

  /** Stops streaming (driver stop writes, best effort), disconnects and records it. Idempotent. */
  async stop(reason: string): Promise<void> {
    if (!this.abort.signal.aborted) {
      this.setState('stopping');
      this.abort.abort();
    }
    const conn = this.conn;
    if (conn?.isOpen) {
      const budget = this.tuning.stopTimeoutMs;
      try {
        for (const step of this.driver.stopSequence(this.sensor.config)) {
          const c = this.chars.find((x) => x.uuid === step.characteristic);
          if (!c || !conn.isOpen) break;
          await conn.write(c.serviceUuid, c.uuid, step.bytes, step.withResponse, Math.min(budget, 1000));
        }
      } catch (e) {
        this.logger.debug(`${this.sensor.id}: stop sequence: ${message(e)}`, { sensor: this.sensor.id });
      }
      await conn.disconnect(budget);
      this.recordDisconnect(conn, reason);
    }
    await this.running;
    this.broker.release(this.sensor.id);
    this.setState('stopped');
  }
}
