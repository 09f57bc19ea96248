import { describe, expect, it } from 'vitest';
import {
  BluetoothUnavailableError,
  bluetoothErrorFromLoad,
  bluetoothErrorFromState,
  HAMSTREAM_ERR_BLUETOOTH_UNAVAILABLE,
} from './bluetooth-unavailable.js';
import { loadNobleCentral, parseAdapterSpec } from './load-noble-central.js';

const errno = (code: string, message: string) => Object.assign(new Error(message), { code });

describe('adapter spec', () => {
  it('parses hardware and virtual lists', () => {
    expect(parseAdapterSpec('hardware')).toEqual({ ok: true, value: { kind: 'hardware' } });
    expect(parseAdapterSpec('virtual:a.rec.jsonl, b.rec.jsonl.gz')).toEqual({
      ok: true,
      value: { kind: 'virtual', recordings: ['a.rec.jsonl', 'b.rec.jsonl.gz'] },
    });
  });
  it('rejects what it does not know, saying what it accepts', () => {
    expect(parseAdapterSpec('usb0')).toEqual({
      ok: false,
      error: 'unknown adapter "usb0": use "hardware" or "virtual:RECORDING[,RECORDING…]"',
    });
    expect(parseAdapterSpec('virtual:')).toMatchObject({ ok: false });
  });
});

describe('Bluetooth unavailable', () => {
  it('on this machine, loading the hardware adapter fails with one clear line', async () => {
    const e = await loadNobleCentral({ adapter: 'hardware' }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(BluetoothUnavailableError);
    const err = e as BluetoothUnavailableError;
    expect(err.code).toBe(HAMSTREAM_ERR_BLUETOOTH_UNAVAILABLE);
    expect(err.message).not.toContain('\n');
    expect(err.message).toMatch(/Bluetooth/);
    expect(err.message).toMatch(/--adapter virtual:FILE/);
    expect(err.detail).toMatch(/EAFNOSUPPORT/);
  });

  it('names what is missing and the fix, per cause', () => {
    const cases: [unknown, RegExp][] = [
      [
        errno('EAFNOSUPPORT', 'EAFNOSUPPORT, Address family not supported by protocol'),
        /no Bluetooth on this machine/,
      ],
      [errno('ENODEV', 'ENODEV, No such device'), /no Bluetooth adapter found: plug in a BLE dongle/],
      [errno('EPERM', 'EPERM, Operation not permitted'), /setcap cap_net_raw\+eip/],
      [
        errno('ERR_MODULE_NOT_FOUND', "Cannot find module '@abandonware/noble'"),
        /not installed or not built: run `npm install`/,
      ],
      [new Error('something odd'), /Bluetooth could not be started \(something odd\)/],
    ];
    for (const [cause, pattern] of cases) {
      const e = bluetoothErrorFromLoad(cause);
      expect(e.message).toMatch(pattern);
      expect(e.message).not.toContain('\n');
      expect(e.cause).toBe(cause);
    }
    expect(bluetoothErrorFromState('unauthorized').message).toMatch(/no permission.*setcap/);
    expect(bluetoothErrorFromState('poweredOff').message).toMatch(/powered off/);
    expect(bluetoothErrorFromState('unsupported').message).toMatch(/does not support Bluetooth Low Energy/);
  });
});
