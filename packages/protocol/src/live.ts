import type { Activity, AsymmetryResult, Placement, RepResult, Side } from '@hamstream/core';
import type { SessionStatus } from './rest.js';

export type { Activity, AsymmetryResult, DeviceInfo, Placement, RepResult, Side } from '@hamstream/core';
/** Re-exported for the dashboard, which imports only this package: the activity and side choices. */
export { KNOWN_ACTIVITIES, SIDES } from '@hamstream/core';

/**
 * The `/live` socket.io namespace: dashboards watch the wall (every session) or one session.
 *
 * Flow control (slow clients never slow ingest): every server→client update carries an ack callback.
 * The server keeps at most ONE unacknowledged update in flight per client and stream; meanwhile it
 * coalesces: scalar state is replaced by the latest, trace points are appended (bounded to the display
 * window), reps are kept. Updates are capped at the display rate (≤ 20 Hz per stream); discrete news
 * (a rep, a set start/end, a new alert) goes out at once when nothing is in flight.
 *
 * Rooms on the server: `wall` and `session:<id>`. Auth: the dashboard's session cookie (same origin), or
 * `socket.handshake.auth.token` for API clients; each watch checks that the account may see the session,
 * and the wall carries only the sessions it may see.
 */
export const LIVE_NAMESPACE = '/live';

export const LIVE_EVENTS = {
  watch: 'live:watch',
  unwatch: 'live:unwatch',
  wall: 'live:wall',
  session: 'live:session',
} as const;

/** Display-rate cap of one stream to one client, Hz. */
export const LIVE_MAX_RATE_HZ = 20;

export type LiveWatchRequest = { view: 'wall' } | { view: 'session'; session: string };

/** JSON schema of a `live:watch` / `live:unwatch` request (the server refuses anything else). */
export const liveWatchRequestSchema = {
  oneOf: [
    {
      type: 'object',
      required: ['view'],
      additionalProperties: false,
      properties: { view: { const: 'wall' } },
    },
    {
      type: 'object',
      required: ['view', 'session'],
      additionalProperties: false,
      properties: { view: { const: 'session' }, session: { type: 'string', minLength: 1, maxLength: 64 } },
    },
  ],
} as const;
export type LiveWatchAck = { ok: true } | { ok: false; error: string };

export interface LiveClientToServerEvents {
  'live:watch': (req: LiveWatchRequest, ack: (res: LiveWatchAck) => void) => void;
  'live:unwatch': (req: LiveWatchRequest, ack: (res: LiveWatchAck) => void) => void;
}

export interface LiveServerToClientEvents {
  /** Acknowledge after handling: the next update waits for it. */
  'live:wall': (update: WallUpdate, ack: () => void) => void;
  'live:session': (update: SessionUpdate, ack: () => void) => void;
}

/** One sensor's state as the dashboard shows it. */
export interface DeviceLiveStatus {
  device: string;
  driver: string;
  placement: Placement;
  side: Side;
  /** false after a `disconnect` event until the next `connect`, or while the daemon is offline. */
  connected: boolean;
  /** No data for a while although the session's other data moves on (or disconnected). */
  lost: boolean;
  batteryPct: number | null;
  /** lostSamples / (samples + lostSamples), %, from the engine's quality figures. */
  packetLossPct: number | null;
  rateHz: number | null;
  /** Data time of the device's last event, s. */
  lastSeenS: number | null;
}

export type LiveAlert =
  | { kind: 'rom-below-target'; device: string; romDeg: number; targetDeg: number }
  | { kind: 'asymmetry'; activity: Activity; metric: 'peakForceN' | 'romDeg'; asymmetryPct: number }
  | { kind: 'sensor-lost'; device: string };

/** One device's set in the current (or last) activity period. */
export interface LiveSet {
  /** Activity period in the session: 0 before any mark (the header's activity), then 1, 2, … per mark. */
  period: number;
  device: string;
  activity: Activity;
  side: Side | null;
  startS: number;
  /** null while the set runs. */
  endS: number | null;
  reps: RepResult[];
}

export interface LiveCadence {
  device: string;
  tS: number;
  spm: number;
  changePct: number | null;
}

export interface CadenceZone {
  targetSpm: number | null;
  lowSpm: number | null;
  highSpm: number | null;
  /** Target as change versus baseline, % (e.g. +5 ± 2). */
  changePct: number;
  tolerancePct: number;
  /** Is the latest cadence inside the band (null: unknown yet, e.g. no baseline). */
  inZone: boolean | null;
  /** Data time spent inside / with a known zone, s. */
  inZoneS: number;
  zonedS: number;
}

/** Everything a session view shows, except the traces (which travel as chunks). */
export interface SessionLiveState {
  session: string;
  subject: string | null;
  status: SessionStatus;
  ingestOnline: boolean;
  startedAt: string | null;
  /** Current activity (last mark; header activity before any mark), null while resting. */
  activity: Activity | null;
  side: Side | null;
  /** Data time of the newest event included, s. */
  tS: number;
  devices: DeviceLiveStatus[];
  /** Sets of the current activity period, else of the last one. */
  sets: LiveSet[];
  /** The device whose reps are "the" rep count (IMU preferred over force, by placement). */
  primaryDevice: string | null;
  repCount: number;
  repTotal: number;
  /** Sets so far: activity periods whose primary set has reps (or is running). */
  setCount: number;
  lastRomDeg: number | null;
  romTargetDeg: number | null;
  /** Concentric / hold / eccentric seconds of the last rep. */
  tempo: { concentricS: number | null; holdS: number | null; eccentricS: number | null } | null;
  /** Force tests: last effort's peak and RFD. */
  force: { peakForceN: number | null; rfd100NPerS: number | null; rfd200NPerS: number | null } | null;
  /** Nordic curls: break angle of the last rep, degrees. */
  breakDeg: number | null;
  cadence: LiveCadence | null;
  cadenceByDevice: LiveCadence[];
  cadenceBaselineSpm: number | null;
  cadenceZone: CadenceZone | null;
  asymmetry: AsymmetryResult[];
  alerts: LiveAlert[];
}

/** New trace points since the previous update (bounded to the display window). */
export interface TraceChunk {
  device: string;
  tS: number[];
  values: number[];
}

export interface SessionUpdate {
  /** true: replace everything (first update after watching, or after a reset). */
  full: boolean;
  state: SessionLiveState;
  angleDeg: TraceChunk[];
  forceN: TraceChunk[];
}

/** The wall's view of one session. */
export interface WallTile {
  session: string;
  subject: string | null;
  status: SessionStatus;
  ingestOnline: boolean;
  activity: Activity | null;
  side: Side | null;
  tS: number;
  repCount: number;
  repTotal: number;
  setCount: number;
  lastRomDeg: number | null;
  romTargetDeg: number | null;
  cadenceSpm: number | null;
  cadenceChangePct: number | null;
  cadenceInZone: boolean | null;
  /** Share of the zoned time spent in the cadence band, % (null before a baseline exists). */
  cadenceTimeInZonePct: number | null;
  /** Force tests: the last effort's peak, N. */
  peakForceN: number | null;
  /** Dominant kind of the session right now, for picking the view. */
  kind: 'reps' | 'force' | 'run' | 'idle';
  devices: DeviceLiveStatus[];
  alerts: LiveAlert[];
}

export interface WallUpdate {
  /** true: `tiles` is the whole wall. */
  full: boolean;
  tiles: WallTile[];
  /** Sessions gone from the wall. */
  removed: string[];
}
