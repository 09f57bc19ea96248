import { ByteWriter } from './bytes.js';

/** Tindeq Progressor data-point characteristic (notify). */
export const TINDEQ_DATA_CHAR = '7e4e17021ea640c99dcc13d34ffead57';
/** Response codes of data-point notifications (protocols.md §3.2). */
export const TINDEQ_RESPONSE_CMD = 0;
export const TINDEQ_RESPONSE_WEIGHT = 1;
export const TINDEQ_RESPONSE_LOW_POWER = 4;

export interface TindeqSample {
  /** Force as the load cell reports it, kg (float32 on the wire). */
  kg: number;
  /** Device clock, µs; written as uint32 (wraps every 2³² µs ≈ 71.6 min). */
  tUs: number;
}

/** A code-1 weight notification: N × {float32 kg, uint32 µs}. */
export function encodeTindeqWeight(samples: readonly TindeqSample[]): Uint8Array {
  if (samples.length * 8 > 255) throw new RangeError('too many samples for one Tindeq notification');
  const w = new ByteWriter(2 + samples.length * 8).u8(TINDEQ_RESPONSE_WEIGHT).u8(samples.length * 8);
  for (const s of samples) {
    w.f32(s.kg);
    w.u32(((Math.round(s.tUs) % 4294967296) + 4294967296) % 4294967296);
  }
  return w.finish();
}

/** Code-0 response to GET_BATTERY_VOLTAGE (0x6F): uint32 millivolts. */
export function encodeTindeqBatteryResponse(millivolts: number): Uint8Array {
  return new ByteWriter(6).u8(TINDEQ_RESPONSE_CMD).u8(4).u32(Math.round(millivolts)).finish();
}

/** Code-4 low-power warning (no payload). */
export function encodeTindeqLowPower(): Uint8Array {
  return new Uint8Array([TINDEQ_RESPONSE_LOW_POWER, 0]);
}
