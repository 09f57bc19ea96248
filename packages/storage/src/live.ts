import type {
  Activity,
  AsymmetryResult,
  CadencePoint,
  DeviceInfo,
  DeviceQuality,
  ForceBatch,
  ImuBatch,
  RepResult,
  SetResult,
  Side,
} from '@hamstream/core';
import {
  pointsFromAnalyzeOutput,
  pointsFromAngleTrace,
  pointsFromForceBatch,
  pointsFromForceTrace,
  pointsFromImuBatch,
  pointsFromSet,
  type RawContext,
  type SessionMeta,
  type StoragePoint,
} from './schema.js';

/**
 * Live path: the engine's incremental updates (packages/engine `EngineUpdate`) → points, with the
 * same keys `pointsFromAnalyzeOutput` gives for the finished recording. So a session written live
 * and later re-written by `analyze --influx` or `backfill` is overwritten, never duplicated.
 *
 * The updates are typed structurally here (storage imports only core); the server passes the
 * engine's updates as they come. Unknown update types give no points.
 */
export interface LiveUpdate {
  readonly type: string;
}

interface SetStart {
  type: 'set-start';
  setId: string;
  device: string;
  activity: Activity;
  side: Side | null;
  startS: number;
}
interface RepUpdate {
  type: 'rep';
  setId: string;
  device: string;
  repIndex: number;
  rep: RepResult;
}
interface SetEnd {
  type: 'set-end';
  setId: string;
  set: SetResult;
}
interface CadenceUpdate {
  type: 'cadence';
  point: CadencePoint;
}
interface TraceUpdate {
  type: 'angle' | 'force';
  device: string;
  tS: number[];
  angleDeg?: number[];
  forceN?: number[];
}
interface QualityUpdate {
  type: 'quality';
  quality: DeviceQuality;
}
interface AsymmetryUpdate {
  type: 'asymmetry';
  results: AsymmetryResult[];
}
interface EndUpdate {
  type: 'end';
  durationS: number;
}

export interface LivePointOptions {
  subject: string;
  session: string;
  devices: readonly DeviceInfo[];
  startedAtMs: number;
  /** Write the decimated angle/force traces (default true). */
  traces?: boolean;
}

export interface LivePointBuilder {
  push(update: LiveUpdate): StoragePoint[];
}

export function createLivePointBuilder(options: LivePointOptions): LivePointBuilder {
  const meta: SessionMeta = { subject: options.subject, session: options.session, devices: options.devices };
  const { startedAtMs } = options;
  const traces = options.traces ?? true;
  /** Open and finished sets in set-start order (their position is the set_index field). */
  const sets: { setId: string; set: SetResult; open: boolean }[] = [];
  let activity: Activity | null = null;
  let side: Side | null = null;
  const quality = new Map<string, DeviceQuality>();
  let asymmetry: AsymmetryResult[] = [];

  const shell = (s: SetStart): SetResult => ({
    device: s.device,
    activity: s.activity,
    side: s.side,
    startS: s.startS,
    endS: s.startS,
    repCount: 0,
    reps: [],
  });
  /** The set a device is in at tS (for the cadence tags), as the finished output would say. */
  const setAt = (device: string, tS: number): SetResult | undefined =>
    sets.find((x) => x.set.device === device && tS >= x.set.startS && (x.open || tS <= x.set.endS))?.set;

  return {
    push(update: LiveUpdate): StoragePoint[] {
      switch (update.type) {
        case 'activity': {
          const u = update as unknown as { activity: Activity | null; side: Side | null };
          activity = u.activity;
          side = u.side;
          return [];
        }
        case 'set-start': {
          const u = update as SetStart;
          sets.push({ setId: u.setId, set: shell(u), open: true });
          return [];
        }
        case 'rep': {
          const u = update as RepUpdate;
          const k = sets.findIndex((x) => x.setId === u.setId);
          const entry = sets[k];
          if (!entry) return [];
          entry.set.reps[u.repIndex] = u.rep;
          const one: SetResult = { ...entry.set, reps: [u.rep], repCount: 1 };
          // pointsFromSet's first point is the set itself: only the rep is written now
          return pointsFromSet(meta, startedAtMs, one, k)
            .slice(1)
            .map((p) => ({ ...p, fields: { ...p.fields, rep_index: u.repIndex } }));
        }
        case 'set-end': {
          const u = update as SetEnd;
          let k = sets.findIndex((x) => x.setId === u.setId);
          if (k < 0) {
            sets.push({ setId: u.setId, set: u.set, open: false });
            k = sets.length - 1;
          } else {
            sets[k] = { setId: u.setId, set: u.set, open: false };
          }
          return pointsFromSet(meta, startedAtMs, u.set, k);
        }
        case 'cadence': {
          const u = update as CadenceUpdate;
          const set = setAt(u.point.device, u.point.tS);
          const output = {
            recording: { startedAt: '', durationS: 0, devices: [] },
            sets: set ? [set] : [],
            cadence: [u.point],
            quality: [],
          };
          return pointsFromAnalyzeOutput(output, meta, startedAtMs).filter(
            (p) => p.measurement === 'cadence',
          );
        }
        case 'angle':
        case 'force': {
          if (!traces) return [];
          const u = update as TraceUpdate;
          const device = options.devices.find((d) => d.id === u.device);
          if (!device) return [];
          const set = sets.find((x) => x.open && x.set.device === u.device)?.set;
          const ctx = {
            subject: meta.subject,
            session: meta.session,
            device,
            activity: set?.activity ?? activity,
            side: set?.side ?? side,
            startedAtMs,
          };
          return u.type === 'angle'
            ? pointsFromAngleTrace(ctx, u.tS, u.angleDeg ?? [])
            : pointsFromForceTrace(ctx, u.tS, u.forceN ?? []);
        }
        case 'quality': {
          const u = update as QualityUpdate;
          quality.set(u.quality.device, u.quality);
          return [];
        }
        case 'asymmetry': {
          asymmetry = (update as AsymmetryUpdate).results;
          return [];
        }
        case 'end': {
          const u = update as EndUpdate;
          const finished = sets.filter((x) => !x.open).map((x) => x.set);
          const output = {
            recording: { startedAt: '', durationS: u.durationS, devices: options.devices.map((d) => d.id) },
            sets: finished,
            cadence: [],
            quality: [...quality.values()],
            asymmetry,
          };
          // session, quality and asymmetry (sets and reps were written as they finished)
          return pointsFromAnalyzeOutput(output, meta, startedAtMs).filter(
            (p) =>
              p.measurement === 'sessions' || p.measurement === 'quality' || p.measurement === 'asymmetry',
          );
        }
        default:
          return [];
      }
    },
  };
}

/**
 * Receives the engine's aligned samples (structurally the engine's `RawSampleSink`, which storage does
 * not import): the batches' arrays are valid during the call only, so points are built (numbers
 * copied) before returning.
 */
export interface RawPointWriter {
  imu(batch: ImuBatch): void;
  force(batch: ForceBatch): void;
}

export interface RawPointOptions {
  subject: string;
  session: string;
  devices: readonly DeviceInfo[];
  startedAtMs: number;
}

/**
 * `--store-raw`: every aligned sample → `imu_raw` / `force_raw` points, handed to `write` (the sink,
 * which serialises them at once). Keys come from the recording only (device, sample time), so a live
 * session and a later `analyze --store-raw` of its recording store each sample once. Samples of a
 * device not in the header give no points.
 */
export function createRawPointWriter(
  options: RawPointOptions,
  write: (points: StoragePoint[]) => void,
): RawPointWriter {
  const contexts = new Map<string, RawContext | null>();
  const contextFor = (deviceId: string): RawContext | null => {
    let ctx = contexts.get(deviceId);
    if (ctx === undefined) {
      const device = options.devices.find((d) => d.id === deviceId);
      ctx = device
        ? { subject: options.subject, session: options.session, device, startedAtMs: options.startedAtMs }
        : null;
      contexts.set(deviceId, ctx);
    }
    return ctx;
  };
  return {
    imu(batch) {
      const ctx = contextFor(batch.device);
      if (ctx && batch.count > 0) write(pointsFromImuBatch(ctx, batch));
    },
    force(batch) {
      const ctx = contextFor(batch.device);
      if (ctx && batch.count > 0) write(pointsFromForceBatch(ctx, batch));
    },
  };
}
