import type { Activity, DeviceInfo, Side } from './domain.js';

export const RECORDING_FORMAT = 'hamstream.recording';
export const RECORDING_VERSION = 1;

/** Line 1 of every recording (spec: recording-format.md). */
export interface RecordingHeader {
  type: 'header';
  format: typeof RECORDING_FORMAT;
  version: typeof RECORDING_VERSION;
  /** Wall-clock time of t = 0, ISO 8601 UTC. */
  startedAt: string;
  /** Pseudonymous subject id; never a name. */
  subject?: string;
  /** Activity for the whole recording unless a `mark` says otherwise. */
  activity?: Activity;
  devices: DeviceInfo[];
  /** Fields this version does not know are kept. */
  [key: string]: unknown;
}

/** One GATT notification (or read/indication) exactly as received. */
export interface PacketEvent {
  type: 'packet';
  /** ms since startedAt on the host's monotonic clock. */
  t: number;
  device: string;
  /** noble's form: lowercase hex, no dashes; 16-bit UUIDs as 4 digits. */
  characteristic: string;
  /** Lowercase hex, no spaces. */
  data: string;
}

export interface ConnectEvent {
  type: 'connect';
  t: number;
  device: string;
  reason?: string;
}

export interface DisconnectEvent {
  type: 'disconnect';
  t: number;
  device: string;
  reason?: string;
}

/** From `t` on, the subject does `activity` (null: rest) until the next mark. */
export interface MarkEvent {
  type: 'mark';
  t: number;
  activity: Activity | null;
  side?: Side;
}

/** An already-decoded sample, for data imported from other tools. */
export interface SampleEvent {
  type: 'sample';
  t: number;
  device: string;
  /** m/s², sensor frame, gravity included. */
  acc?: [number, number, number];
  /** deg/s, sensor frame. */
  gyro?: [number, number, number];
  forceN?: number;
  cadenceSpm?: number;
  /** The sensor's own clock, when it has one (units as the importer documents; ms by convention). */
  sensorT?: number;
}

export type RecordingEvent = PacketEvent | ConnectEvent | DisconnectEvent | MarkEvent | SampleEvent;
export type RecordingEventType = RecordingEvent['type'];
export type RecordingLine = RecordingHeader | RecordingEvent;

export const RECORDING_EVENT_TYPES: readonly RecordingEventType[] = [
  'packet',
  'connect',
  'disconnect',
  'mark',
  'sample',
];
