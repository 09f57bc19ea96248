import type { Vec3 } from '../math/rotation.js';
import { ByteWriter, quantizeSigned } from './bytes.js';

/** WitMotion WT901BLE notify characteristic (FFE4, on WitMotion's 9a34fb base, not the SIG base). */
export const WITMOTION_NOTIFY_CHAR = '0000ffe400001000800000805f9a34fb';
export const WITMOTION_RECORD_BYTES = 20;

/** Full-scale ranges of the 0x61 record (protocols.md §1.3). */
export const WITMOTION_ACC_RANGE_G = 16;
export const WITMOTION_GYRO_RANGE_DPS = 2000;
export const WITMOTION_ANGLE_RANGE_DEG = 180;

function wrapDeg(a: number): number {
  let x = a % 360;
  if (x >= 180) x -= 360;
  if (x < -180) x += 360;
  return x;
}

/**
 * One 0x55 0x61 streaming record (20 bytes, no checksum over BLE): acc (g), gyro (°/s) and the
 * onboard Euler angles (°), each an int16 of value / range × 32768, saturated at full scale.
 */
export function encodeWitmotionRecord(accG: Vec3, gyroDps: Vec3, angleDeg: Vec3): Uint8Array {
  const w = new ByteWriter(WITMOTION_RECORD_BYTES).u8(0x55).u8(0x61);
  for (const v of accG) w.i16(quantizeSigned((v / WITMOTION_ACC_RANGE_G) * 32768, 16));
  for (const v of gyroDps) w.i16(quantizeSigned((v / WITMOTION_GYRO_RANGE_DPS) * 32768, 16));
  for (const v of angleDeg) w.i16(quantizeSigned((wrapDeg(v) / WITMOTION_ANGLE_RANGE_DEG) * 32768, 16));
  return w.finish();
}

/** A 0x55 0x71 register reply: start register then 8 int16 registers (protocols.md §1.4). */
export function encodeWitmotionRegisterReply(startReg: number, registers: readonly number[]): Uint8Array {
  const w = new ByteWriter(WITMOTION_RECORD_BYTES).u8(0x55).u8(0x71).u16(startReg);
  for (let i = 0; i < 8; i++) w.i16(quantizeSigned(registers[i] ?? 0, 16));
  return w.finish();
}

/** Battery reply (register 0x64 on the BLE 5.0 unit): volts × 100. */
export function encodeWitmotionBatteryReply(volts: number): Uint8Array {
  return encodeWitmotionRegisterReply(0x64, [Math.round(volts * 100)]);
}
