import { type DeviceConfig, hexToBytes } from '@hamstream/core';
import type { DecodedKind, DecodeErrorCode } from '../types.js';

/**
 * Test vectors are data: bytes → decoded values (and, for commands, config → bytes). One generic test
 * (`vectors.test.ts`) runs every driver's list; the simulator and ingest tests may reuse them.
 * Hex may contain spaces for readability; byte-range comments sit beside each entry.
 */

export interface PacketHex {
  characteristic: string;
  hex: string;
}

/** Expected numbers for a Float64Array field: every value, or a head and/or tail plus the total length. */
export type ExpectedArray =
  | readonly number[]
  | { readonly length: number; readonly head?: readonly number[]; readonly tail?: readonly number[] };

/**
 * A decoded item as expected: `kind` plus the fields to check (fields left out are not compared).
 * Float64Array fields take an ExpectedArray, Uint8Array fields a hex string, numbers compare within tolerance.
 */
export interface ExpectedItem {
  kind: DecodedKind;
  [field: string]: unknown;
}

export interface DecodeVector {
  name: string;
  /** Where the truth comes from: a protocols.md id (W1, P3, …), `SDK <test>`, `calc` (computed from the layout), or `negative`. */
  source: string;
  characteristic: string;
  hex: string;
  config?: DeviceConfig;
  /** Packets decoded first on the same decoder to set up state (FACTOR, previous frame time, a partial record). */
  before?: readonly PacketHex[];
  /** Exactly these items, in order (omit for pure error vectors: then no items are expected). */
  expected?: readonly ExpectedItem[];
  /** The error the packet must report (omit: it must report none). */
  error?: DecodeErrorCode;
  droppedBytes?: number;
  /** Absolute tolerance per field name (default 1e-9). */
  tolerance?: Readonly<Record<string, number>>;
}

export interface ExpectedStep {
  characteristic: string;
  hex: string;
  withResponse: boolean;
  delayAfterMs?: number;
  expectsResponse?: boolean;
}

export interface CommandVector {
  name: string;
  source: string;
  config: DeviceConfig;
  /** `start`, `stop`, or the name of one of the driver's `commands`. */
  command: string;
  expectedSteps: readonly ExpectedStep[];
}

export interface DriverVectors {
  driverId: string;
  decode: readonly DecodeVector[];
  commands: readonly CommandVector[];
}

/** Vector hex (spaces allowed) → bytes; a malformed vector is a bug in the table, so this throws. */
export function vectorBytes(hex: string): Uint8Array {
  const bytes = hexToBytes(hex.replace(/\s+/g, ''));
  if (!bytes) throw new Error(`bad vector hex: ${hex}`);
  return bytes;
}
