/**
 * The slice of noble 1.9.2 that createNobleCentral uses, typed structurally. noble's own typings cover only
 * the default export; this also fits `with-bindings` instances and would fit API-compatible forks.
 */

type Listener = (...args: never[]) => void;

export interface NobleEmitter {
  on(event: string, listener: Listener): unknown;
  once(event: string, listener: Listener): unknown;
  removeListener(event: string, listener: Listener): unknown;
}

export interface NobleAdvertisementData {
  localName?: string;
  serviceUuids?: string[];
  serviceData?: { uuid: string; data: Uint8Array }[];
}

export interface NobleCharacteristic extends NobleEmitter {
  uuid: string;
  properties: string[];
  subscribe(callback: (error: Error | null | undefined) => void): void;
  read(callback: (error: Error | null | undefined, data: Uint8Array) => void): void;
  write(data: Buffer, withoutResponse: boolean, callback: (error: Error | null | undefined) => void): void;
}

export interface NobleService {
  uuid: string;
  characteristics: NobleCharacteristic[] | null;
}

export interface NoblePeripheral extends NobleEmitter {
  id: string;
  address: string;
  advertisement: NobleAdvertisementData;
  rssi: number;
  connectable: boolean;
  mtu: number | null;
  state: string;
  connect(callback: (error: Error | string | null | undefined) => void): void;
  cancelConnect(): void;
  disconnect(callback?: () => void): void;
  discoverAllServicesAndCharacteristics(
    callback: (
      error: Error | string | null | undefined,
      services: NobleService[] | null,
      characteristics: NobleCharacteristic[] | null,
    ) => void,
  ): void;
}

export interface Noble extends NobleEmitter {
  /** Reading it initialises the bindings (noble's lazy init). */
  readonly state: string;
  startScanning(
    serviceUuids: string[],
    allowDuplicates: boolean,
    callback: (error: Error | null | undefined) => void,
  ): void;
  stopScanning(callback?: () => void): void;
  /** noble's peripheral cache, keyed by id: lets us reconnect to a peripheral without rescanning. */
  _peripherals: Record<string, NoblePeripheral | undefined>;
}
