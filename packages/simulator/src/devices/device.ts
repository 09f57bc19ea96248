import type { DeviceInfo } from '@hamstream/core';
import type { Rng } from '../random.js';
import type { LinkParams, Notification } from '../transport/ble-link.js';
import type { Session } from '../transport/connection.js';

/** A simulated sensor: what it sends in each connected session, and over which link. */
export interface SimulatedDevice {
  info: DeviceInfo;
  link: LinkParams;
  /** Notifications (data and control responses) the device produces while connected in `session`. */
  notifications(session: Session, rng: Rng): Notification[];
}

/** True sample instants from `fromS` (first at fromS + phase) up to (excluding) `toS`. */
export function sampleTimes(fromS: number, toS: number, rateHz: number, phaseS: number): Float64Array {
  const first = fromS + phaseS;
  const n = Math.max(0, Math.ceil((toS - first) * rateHz));
  const out = new Float64Array(n);
  for (let k = 0; k < n; k++) out[k] = first + k / rateHz;
  // ceil can overshoot by one at exact boundaries
  return n > 0 && out[n - 1]! >= toS ? out.subarray(0, n - 1) : out;
}

/** A six-hex-pair BLE address drawn from the seed (locally administered, static random). */
export function randomAddress(rng: Rng, prefix?: string): string {
  const bytes: string[] = prefix ? prefix.split(':') : [];
  while (bytes.length < 6) bytes.push(rng.int(0, 255).toString(16).padStart(2, '0'));
  return bytes.join(':');
}
