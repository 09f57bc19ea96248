import { HamstreamError } from '@hamstream/core';

export const HAMSTREAM_ERR_BLUETOOTH_UNAVAILABLE = 'HAMSTREAM_ERR_BLUETOOTH_UNAVAILABLE';

const SETCAP_HINT = 'sudo setcap cap_net_raw+eip $(eval readlink -f $(which node))';
const VIRTUAL_HINT = 'or replay a recording with --adapter virtual:FILE';

/** Bluetooth cannot be used on this machine. `message` is one line: what is missing and how to fix it. */
export class BluetoothUnavailableError extends HamstreamError {
  /** What noble or the OS said, for --debug output. */
  readonly detail: string;
  constructor(message: string, detail: string, options?: { cause?: unknown }) {
    super(HAMSTREAM_ERR_BLUETOOTH_UNAVAILABLE, message, options);
    this.name = 'BluetoothUnavailableError';
    this.detail = detail;
  }
}

function errorCode(e: unknown): string | undefined {
  if (typeof e === 'object' && e !== null && 'code' in e) {
    const code = (e as { code: unknown }).code;
    if (typeof code === 'string') return code;
  }
  return undefined;
}

function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Turns whatever loading noble threw into one clear line. */
export function bluetoothErrorFromLoad(e: unknown): BluetoothUnavailableError {
  const code = errorCode(e);
  const message = errorMessage(e);
  const detail = code ? `${code}: ${message}` : message;
  if (code === 'EAFNOSUPPORT' || /EAFNOSUPPORT|Address family not supported/.test(message)) {
    return new BluetoothUnavailableError(
      `no Bluetooth on this machine (the kernel has no Bluetooth socket support): plug in a BLE adapter on a Linux host with BlueZ, ${VIRTUAL_HINT}`,
      detail,
      { cause: e },
    );
  }
  if (code === 'ENODEV' || /ENODEV|No such device/.test(message)) {
    return new BluetoothUnavailableError(
      `no Bluetooth adapter found: plug in a BLE dongle (check \`hciconfig\`; pick one with NOBLE_HCI_DEVICE_ID=N), ${VIRTUAL_HINT}`,
      detail,
      { cause: e },
    );
  }
  if (code === 'EPERM' || code === 'EACCES' || /EPERM|EACCES|not permitted/.test(message)) {
    return new BluetoothUnavailableError(
      `no permission to use Bluetooth: run \`${SETCAP_HINT}\` (or run as root), ${VIRTUAL_HINT}`,
      detail,
      { cause: e },
    );
  }
  if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND' || /Cannot find module/.test(message)) {
    return new BluetoothUnavailableError(
      `the BLE library @abandonware/noble is not installed or not built: run \`npm install\` (it needs build tools and libudev-dev), ${VIRTUAL_HINT}`,
      detail,
      { cause: e },
    );
  }
  return new BluetoothUnavailableError(
    `Bluetooth could not be started (${message}): check the adapter and permissions (\`${SETCAP_HINT}\`), ${VIRTUAL_HINT}`,
    detail,
    { cause: e },
  );
}

/** For an adapter that loaded but reports a state other than poweredOn. */
export function bluetoothErrorFromState(state: string): BluetoothUnavailableError {
  switch (state) {
    case 'unauthorized':
      return new BluetoothUnavailableError(
        `no permission to use the Bluetooth adapter: run \`${SETCAP_HINT}\` (or run as root), ${VIRTUAL_HINT}`,
        `state ${state}`,
      );
    case 'unsupported':
      return new BluetoothUnavailableError(
        `the Bluetooth adapter does not support Bluetooth Low Energy: use a BLE 4.0+ dongle (select it with NOBLE_HCI_DEVICE_ID=N), ${VIRTUAL_HINT}`,
        `state ${state}`,
      );
    case 'poweredOff':
      return new BluetoothUnavailableError(
        `the Bluetooth adapter is powered off: turn it on (\`bluetoothctl power on\` or \`sudo hciconfig hci0 up\`), ${VIRTUAL_HINT}`,
        `state ${state}`,
      );
    default:
      return new BluetoothUnavailableError(
        `the Bluetooth adapter did not become ready (state ${state}): check that it is plugged in and not used by another program, ${VIRTUAL_HINT}`,
        `state ${state}`,
      );
  }
}
