import type { DecodeResult } from '../types.js';
import { decodeError } from './result.js';

/** SIG Battery Level characteristic (in the Battery service 0x180F). */
export const BATTERY_LEVEL = '2a19';

/** SIG Battery Level (0x2A19): u8 percent, 0–100. */
export function decodeBatteryLevel(bytes: Uint8Array): DecodeResult {
  if (bytes.length < 1) return decodeError('E_SHORT_FRAME', 'battery level: empty');
  const percent = bytes[0]!;
  if (percent > 100) return decodeError('E_BAD_VALUE', `battery level ${percent} % > 100`);
  return { items: [{ kind: 'battery', volts: null, percent }], error: null };
}
