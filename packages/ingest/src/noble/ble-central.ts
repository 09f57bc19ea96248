/**
 * The BLE port: the only view of Bluetooth the daemon has. `createNobleCentral` implements it on top of a
 * noble instance (hardware bindings or the virtual bindings); another library (e.g. @stoprocent/noble)
 * would implement the same interface. UUIDs are in noble's form: lowercase hex, no dashes, 16-bit as 4 digits.
 */

export type BleAdapterState =
  | 'unknown'
  | 'resetting'
  | 'unsupported'
  | 'unauthorized'
  | 'poweredOff'
  | 'poweredOn';

export interface BleAdvertisement {
  /** Stable peripheral id within this central (noble's `peripheral.id`). */
  id: string;
  /** `aa:bb:cc:dd:ee:ff`, lowercase; empty when the platform hides it (macOS). */
  address: string;
  localName: string | null;
  serviceUuids: string[];
  /** Service data from the advertisement, e.g. a battery level under `180f`. */
  serviceData: { uuid: string; data: Uint8Array }[];
  rssi: number;
  connectable: boolean;
}

export interface BleCharacteristicInfo {
  serviceUuid: string;
  uuid: string;
  /** noble's property names: `read`, `write`, `writeWithoutResponse`, `notify`, `indicate`, … */
  properties: string[];
}

export interface BleScan {
  stop(): Promise<void>;
}

export interface BleConnectOptions {
  /** Give up (and cancel the attempt) after this long. */
  timeoutMs: number;
}

export interface BleDisconnectInfo {
  reason: string;
  /** True when we asked for it (disconnect()). */
  requested: boolean;
}

/** One live link to a peripheral. Every operation rejects once the link is gone. */
export interface BleConnection {
  readonly peripheralId: string;
  readonly address: string;
  readonly localName: string | null;
  /** Negotiated ATT MTU once known (noble's hci-socket bindings ask for 256 on every link). */
  readonly mtu: number | null;
  /** Resolves when the link goes down, whoever caused it. Never rejects. */
  readonly closed: Promise<BleDisconnectInfo>;
  readonly isOpen: boolean;
  /** Discovers every service and characteristic. */
  discover(timeoutMs: number): Promise<BleCharacteristicInfo[]>;
  /**
   * Values that arrive on a discovered characteristic nobody subscribed to or asked for. A real stack
   * does not produce them; the virtual adapter uses this for reads a recording shows mid-stream.
   * Set after `discover`.
   */
  onUnsolicited(listener: ((characteristicUuid: string, data: Uint8Array) => void) | null): void;
  /** Enables notifications/indications; `onData` gets every value as received. */
  subscribe(
    serviceUuid: string,
    characteristicUuid: string,
    onData: (data: Uint8Array) => void,
    timeoutMs: number,
  ): Promise<void>;
  write(
    serviceUuid: string,
    characteristicUuid: string,
    data: Uint8Array,
    withResponse: boolean,
    timeoutMs: number,
  ): Promise<void>;
  read(serviceUuid: string, characteristicUuid: string, timeoutMs: number): Promise<Uint8Array>;
  /** Idempotent; resolves once the link is down (or after `timeoutMs`, when the stack never confirms). */
  disconnect(timeoutMs?: number): Promise<void>;
}

export interface BleCentral {
  readonly kind: 'hardware' | 'virtual';
  /** Resolves when the adapter is powered on; rejects with a clear error if it cannot be. */
  waitReady(timeoutMs: number): Promise<void>;
  /** Starts scanning (duplicates allowed, so RSSI stays live); one scan per central at a time. */
  startScan(onAdvertisement: (adv: BleAdvertisement) => void): Promise<BleScan>;
  /** Connects to a peripheral seen in a scan (or known from an earlier link). */
  connect(peripheralId: string, options: BleConnectOptions): Promise<BleConnection>;
  /**
   * Resolves when the source has nothing more to offer (virtual recordings played to the end without
   * --loop). Hardware never ends, so this is null there.
   */
  readonly ended: Promise<void> | null;
  /** Stops scanning, drops every link, removes listeners, stops timers. */
  close(): Promise<void>;
}

/** An error of one BLE operation (timeout, link lost, stack error). Per-link: never fatal to the daemon. */
export class BleOperationError extends Error {
  readonly code: 'timeout' | 'disconnected' | 'failed';
  constructor(code: 'timeout' | 'disconnected' | 'failed', message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'BleOperationError';
    this.code = code;
  }
}
