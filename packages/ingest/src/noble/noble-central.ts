import type {
  BleAdvertisement,
  BleCentral,
  BleCharacteristicInfo,
  BleConnection,
  BleDisconnectInfo,
  BleScan,
} from './ble-central.js';
import { BleOperationError } from './ble-central.js';
import { bluetoothErrorFromState } from './bluetooth-unavailable.js';
import type { Noble, NobleCharacteristic, NoblePeripheral } from './noble-types.js';

export interface NobleCentralOptions {
  kind: 'hardware' | 'virtual';
  /** Resolves when the source has nothing more to offer (virtual bindings). */
  ended?: Promise<void> | null;
  /** Extra teardown (virtual bindings: stop their timers). */
  onClose?: () => void;
  /** noble's warnings ("unknown peripheral …"); without a listener noble prints them to the console. */
  onWarning?: (message: string) => void;
  /** Maps an error thrown while the bindings initialise (no adapter, no permission) to a clear one. */
  onInitError?: (e: unknown) => Error;
}

const HCI_REASONS: Record<number, string> = {
  8: 'connection timeout (out of range or powered off)',
  19: 'remote device terminated the connection',
  22: 'local host terminated the connection',
  59: 'unacceptable connection parameters',
  61: 'MIC failure',
  62: 'connection failed to be established',
};

function describeReason(reason: unknown): string {
  if (typeof reason === 'string' && reason.length > 0) return reason;
  if (typeof reason === 'number') {
    return HCI_REASONS[reason] ?? `HCI reason 0x${reason.toString(16).padStart(2, '0')}`;
  }
  return 'link lost';
}

function asError(e: unknown, fallback: string): Error {
  if (e instanceof Error) return e;
  return new Error(typeof e === 'string' && e ? e : fallback);
}

function toAdvertisement(p: NoblePeripheral): BleAdvertisement {
  const adv = p.advertisement ?? {};
  return {
    id: p.id,
    address: (p.address ?? '').toLowerCase(),
    localName: adv.localName ?? null,
    serviceUuids: adv.serviceUuids ? [...adv.serviceUuids] : [],
    serviceData: (adv.serviceData ?? []).map((d) => ({ uuid: d.uuid, data: new Uint8Array(d.data) })),
    rssi: p.rssi,
    connectable: p.connectable !== false,
  };
}

/** Runs `start` (which calls back `done`), rejecting after `timeoutMs` or when the link drops. */
type Pending = { reject: (e: Error) => void };

class NobleConnection implements BleConnection {
  readonly peripheralId: string;
  readonly address: string;
  readonly localName: string | null;
  readonly closed: Promise<BleDisconnectInfo>;
  private open = true;
  private requested = false;
  private resolveClosed!: (info: BleDisconnectInfo) => void;
  private readonly pending = new Set<Pending>();
  private readonly characteristics = new Map<string, NobleCharacteristic>();
  private readonly dataListeners: {
    ch: NobleCharacteristic;
    listener: (data: Buffer, isNotification?: boolean) => void;
  }[] = [];
  private readonly onDisconnect: (reason: unknown) => void;
  private readonly subscribed = new Set<string>();
  private readonly readsPending = new Map<string, number>();
  private unsolicited: ((characteristicUuid: string, data: Uint8Array) => void) | null = null;

  constructor(
    private readonly peripheral: NoblePeripheral,
    private readonly forget: (c: NobleConnection) => void,
  ) {
    this.peripheralId = peripheral.id;
    this.address = (peripheral.address ?? '').toLowerCase();
    this.localName = peripheral.advertisement?.localName ?? null;
    this.closed = new Promise((resolve) => {
      this.resolveClosed = resolve;
    });
    this.onDisconnect = (reason: unknown) => this.markClosed(describeReason(reason));
    peripheral.once('disconnect', this.onDisconnect);
  }

  get mtu(): number | null {
    return this.peripheral.mtu ?? null;
  }

  get isOpen(): boolean {
    return this.open;
  }

  private markClosed(reason: string): void {
    if (!this.open) return;
    this.open = false;
    this.peripheral.removeListener('disconnect', this.onDisconnect);
    for (const { ch, listener } of this.dataListeners) ch.removeListener('data', listener);
    this.dataListeners.length = 0;
    for (const p of this.pending) p.reject(new BleOperationError('disconnected', `link lost: ${reason}`));
    this.pending.clear();
    this.forget(this);
    this.resolveClosed({ reason, requested: this.requested });
  }

  /** Wraps one noble callback operation with a timeout and link-loss rejection. */
  private op<T>(
    what: string,
    timeoutMs: number,
    start: (done: (e: unknown, v?: T) => void) => void,
  ): Promise<T> {
    if (!this.open) return Promise.reject(new BleOperationError('disconnected', `${what}: not connected`));
    return new Promise<T>((resolve, reject) => {
      let settled = false;
      const entry: Pending = {
        reject: (e) => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          reject(e);
        },
      };
      const timer = setTimeout(() => {
        this.pending.delete(entry);
        entry.reject(new BleOperationError('timeout', `${what}: no answer within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.add(entry);
      try {
        start((e, v) => {
          if (settled) return;
          this.pending.delete(entry);
          if (e) {
            entry.reject(
              new BleOperationError('failed', `${what}: ${asError(e, 'failed').message}`, { cause: e }),
            );
            return;
          }
          settled = true;
          clearTimeout(timer);
          resolve(v as T);
        });
      } catch (e) {
        this.pending.delete(entry);
        entry.reject(
          new BleOperationError('failed', `${what}: ${asError(e, 'failed').message}`, { cause: e }),
        );
      }
    });
  }

  async discover(timeoutMs: number): Promise<BleCharacteristicInfo[]> {
    const services = await this.op<{ uuid: string; characteristics: NobleCharacteristic[] | null }[]>(
      'discover services',
      timeoutMs,
      (done) => this.peripheral.discoverAllServicesAndCharacteristics((e, s) => done(e, s ?? [])),
    );
    const out: BleCharacteristicInfo[] = [];
    this.characteristics.clear();
    for (const s of services) {
      for (const c of s.characteristics ?? []) {
        const key = `${s.uuid}/${c.uuid}`;
        this.characteristics.set(key, c);
        out.push({ serviceUuid: s.uuid, uuid: c.uuid, properties: [...c.properties] });
        const listener = (data: Buffer) => {
          if (!this.open || this.subscribed.has(key) || (this.readsPending.get(key) ?? 0) > 0) return;
          this.unsolicited?.(c.uuid, new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
        };
        c.on('data', listener);
        this.dataListeners.push({ ch: c, listener });
      }
    }
    return out;
  }

  onUnsolicited(listener: ((characteristicUuid: string, data: Uint8Array) => void) | null): void {
    this.unsolicited = listener;
  }

  private characteristic(serviceUuid: string, uuid: string): NobleCharacteristic {
    const ch = this.characteristics.get(`${serviceUuid}/${uuid}`);
    if (!ch)
      throw new BleOperationError(
        'failed',
        `characteristic ${uuid} in service ${serviceUuid} not discovered`,
      );
    return ch;
  }

  async subscribe(
    serviceUuid: string,
    characteristicUuid: string,
    onData: (data: Uint8Array) => void,
    timeoutMs: number,
  ): Promise<void> {
    const ch = this.characteristic(serviceUuid, characteristicUuid);
    // Listen before enabling, so the first notification cannot slip past.
    const listener = (data: Buffer, isNotification?: boolean) => {
      // Reads of the same characteristic arrive on 'data' too, flagged false; they are not notifications.
      if (isNotification === false || !this.open) return;
      onData(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
    };
    ch.on('data', listener);
    this.dataListeners.push({ ch, listener });
    this.subscribed.add(`${serviceUuid}/${characteristicUuid}`);
    await this.op<void>(`subscribe ${characteristicUuid}`, timeoutMs, (done) => ch.subscribe((e) => done(e)));
  }

  async write(
    serviceUuid: string,
    characteristicUuid: string,
    data: Uint8Array,
    withResponse: boolean,
    timeoutMs: number,
  ): Promise<void> {
    const ch = this.characteristic(serviceUuid, characteristicUuid);
    await this.op<void>(`write ${characteristicUuid}`, timeoutMs, (done) =>
      ch.write(Buffer.from(data), !withResponse, (e) => done(e)),
    );
  }

  async read(serviceUuid: string, characteristicUuid: string, timeoutMs: number): Promise<Uint8Array> {
    const ch = this.characteristic(serviceUuid, characteristicUuid);
    const key = `${serviceUuid}/${characteristicUuid}`;
    // While a read is out, a value on this characteristic is its answer, not an unsolicited one.
    this.readsPending.set(key, (this.readsPending.get(key) ?? 0) + 1);
    try {
      const data = await this.op<Uint8Array>(`read ${characteristicUuid}`, timeoutMs, (done) =>
        ch.read((e, d) => done(e, d)),
      );
      return new Uint8Array(data);
    } finally {
      this.readsPending.set(key, (this.readsPending.get(key) ?? 1) - 1);
    }
  }

  async disconnect(timeoutMs = 3000): Promise<void> {
    if (!this.open) return;
    this.requested = true;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        // The stack never confirmed; the link is unusable for us either way.
        this.markClosed('disconnect not confirmed by the stack');
        resolve();
      }, timeoutMs);
    });
    try {
      this.peripheral.disconnect();
    } catch (e) {
      this.markClosed(`disconnect failed: ${asError(e, 'error').message}`);
    }
    await Promise.race([this.closed.then(() => undefined), timedOut]);
    clearTimeout(timer);
  }
}

/** Implements the BLE port on a noble instance (hardware or virtual bindings: same code path). */
export function createNobleCentral(noble: Noble, options: NobleCentralOptions): BleCentral {
  const connections = new Set<NobleConnection>();
  /** Pending connect attempts, by peripheral id → cancel. */
  const connecting = new Map<string, () => void>();
  let scanListener: ((adv: BleAdvertisement) => void) | null = null;
  let closed = false;

  const onDiscover = (p: NoblePeripheral) => {
    scanListener?.(toAdvertisement(p));
  };
  const onWarning = (message: string) => options.onWarning?.(message);
  noble.on('discover', onDiscover);
  noble.on('warning', onWarning);

  const central: BleCentral = {
    kind: options.kind,
    ended: options.ended ?? null,

    waitReady(timeoutMs: number): Promise<void> {
      let state: string;
      try {
        state = noble.state; // initialises the bindings: opens the HCI device on Linux
      } catch (e) {
        return Promise.reject(options.onInitError ? options.onInitError(e) : e);
      }
      if (state === 'poweredOn') return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        let last = state;
        const onState = (s: string) => {
          last = s;
          if (s === 'poweredOn') {
            finish();
            resolve();
          } else if (s === 'unauthorized' || s === 'unsupported') {
            finish();
            reject(bluetoothErrorFromState(s));
          }
        };
        const timer = setTimeout(() => {
          finish();
          reject(bluetoothErrorFromState(last));
        }, timeoutMs);
        const finish = () => {
          clearTimeout(timer);
          noble.removeListener('stateChange', onState);
        };
        noble.on('stateChange', onState);
      });
    },

    startScan(onAdvertisement: (adv: BleAdvertisement) => void): Promise<BleScan> {
      if (closed) return Promise.reject(new BleOperationError('failed', 'central closed'));
      if (scanListener) return Promise.reject(new BleOperationError('failed', 'a scan is already running'));
      scanListener = onAdvertisement;
      return new Promise<BleScan>((resolve, reject) => {
        noble.startScanning([], true, (e) => {
          if (e) {
            scanListener = null;
            reject(new BleOperationError('failed', `scan: ${e.message}`, { cause: e }));
            return;
          }
          let stopped = false;
          resolve({
            stop: () =>
              new Promise<void>((done) => {
                if (stopped) return done();
                stopped = true;
                scanListener = null;
                noble.stopScanning();
                done();
              }),
          });
        });
      });
    },

    connect(peripheralId: string, { timeoutMs }): Promise<BleConnection> {
      if (closed) return Promise.reject(new BleOperationError('failed', 'central closed'));
      const peripheral = noble._peripherals[peripheralId];
      if (!peripheral) {
        return Promise.reject(
          new BleOperationError('failed', `unknown peripheral ${peripheralId}: not seen in a scan`),
        );
      }
      if (connecting.has(peripheralId)) {
        return Promise.reject(new BleOperationError('failed', `already connecting to ${peripheralId}`));
      }
      return new Promise<BleConnection>((resolve, reject) => {
        let settled = false;
        const settle = (e: Error | null) => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          connecting.delete(peripheralId);
          if (e) {
            reject(e);
            return;
          }
          const conn = new NobleConnection(peripheral, (c) => connections.delete(c));
          connections.add(conn);
          resolve(conn);
        };
        const cancel = (e: Error) => {
          settle(e);
          try {
            peripheral.cancelConnect();
          } catch {
            // cancelling an attempt the stack already dropped is harmless
          }
        };
        const timer = setTimeout(
          () =>
            cancel(
              new BleOperationError('timeout', `connect ${peripheralId}: no answer within ${timeoutMs} ms`),
            ),
          timeoutMs,
        );
        connecting.set(peripheralId, () =>
          cancel(new BleOperationError('failed', `connect ${peripheralId}: central closed`)),
        );
        try {
          peripheral.connect((e) =>
            settle(
              e
                ? new BleOperationError('failed', `connect ${peripheralId}: ${asError(e, 'failed').message}`)
                : null,
            ),
          );
        } catch (e) {
          settle(new BleOperationError('failed', `connect ${peripheralId}: ${asError(e, 'failed').message}`));
        }
      });
    },

    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      if (scanListener) {
        scanListener = null;
        noble.stopScanning();
      }
      for (const cancel of [...connecting.values()]) cancel();
      await Promise.all([...connections].map((c) => c.disconnect(1000)));
      noble.removeListener('discover', onDiscover);
      noble.removeListener('warning', onWarning);
      options.onClose?.();
    },
  };
  return central;
}
