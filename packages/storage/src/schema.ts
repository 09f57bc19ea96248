import type {
  Activity,
  AnalyzeOutput,
  DeviceInfo,
  ForceBatch,
  ImuBatch,
  SetResult,
  Side,
} from '@hamstream/core';

/**
 * The InfluxDB 1.x schema, as typed data. README.md renders the same information for people;
 * `schema.test.ts` checks the two agree, and the Grafana dashboard's queries are checked against it.
 *
 * Point identity: InfluxDB 1.x treats (measurement, tag set, timestamp) as the key of a point and a
 * second write with the same key overwrites the fields. Every builder here derives the timestamp
 * from the recording (`startedAt` + the event's own `tS`), never from the wall clock, so writing
 * the same recording twice, or re-sending a batch after a timeout, lands on the same keys: retries
 * and backfills can never duplicate a point.
 */

export type FieldType = 'float' | 'integer' | 'string';

export interface FieldDef {
  type: FieldType;
  /** UCUM-ish unit for docs; `1` for counts. */
  unit: string;
  description: string;
}

/** Tags, in the sorted order InfluxDB's canonical series key uses. All low-cardinality except `session`. */
export const TAG_NAMES = ['activity', 'device', 'metric', 'placement', 'session', 'side', 'subject'] as const;
export type TagName = (typeof TAG_NAMES)[number];

/** `autogen` is the database's default, infinite retention policy; `traces` expires (see influx-setup.ts). */
export type RetentionName = 'autogen' | 'traces';

export interface MeasurementDef {
  description: string;
  retention: RetentionName;
  /** Tag keys this measurement carries, sorted. */
  tags: readonly TagName[];
  fields: Readonly<Record<string, FieldDef>>;
  /** Written by a continuous query (or, for old recordings, by downsampleTracePoints). */
  derived?: boolean;
}

const f = (unit: string, description: string): FieldDef => ({ type: 'float', unit, description });
const i = (description: string): FieldDef => ({ type: 'integer', unit: '1', description });
const s = (description: string): FieldDef => ({ type: 'string', unit: '', description });

const DEVICE_TAGS = ['activity', 'device', 'placement', 'session', 'side', 'subject'] as const;
/**
 * Raw samples are keyed by the device alone (no activity, no mark side): those come from the analysis
 * and can differ between the live run and a later `analyze` of the same recording (a mark is known
 * only when it arrives; samples already batched keep the old activity), which would store a sample
 * twice under two keys. Join with `sets` on time for the activity.
 */
const RAW_TAGS = ['device', 'placement', 'session', 'side', 'subject'] as const;

export const MEASUREMENTS = {
  sessions: {
    description: 'One point per session at its startedAt: what the session contains.',
    retention: 'autogen',
    tags: ['session', 'subject'],
    fields: {
      duration_s: f('s', 'recording duration'),
      set_count: i('sets in the session'),
      rep_count: i('reps over all sets'),
      device_count: i('devices in the recording'),
    },
  },
  sets: {
    description: 'One point per set (device × activity period) at the set start.',
    retention: 'autogen',
    tags: DEVICE_TAGS,
    fields: {
      set_index: i('position of the set in the session, from 0'),
      rep_count: i('reps in the set'),
      start_s: f('s', 'set start, seconds since t = 0'),
      end_s: f('s', 'set end, seconds since t = 0'),
      duration_s: f('s', 'end_s − start_s'),
      rom_mean_deg: f('deg', 'mean ROM over the set'),
      rom_max_deg: f('deg', 'largest ROM in the set'),
      hold_total_s: f('s', 'stretch holds: total time held'),
      peak_force_n: f('N', 'largest force in the set'),
      break_deg_mean: f('deg', 'Nordic curls: mean break angle'),
    },
  },
  reps: {
    description: 'One point per rep of a movement sensor (IMU), at the rep start.',
    retention: 'autogen',
    tags: DEVICE_TAGS,
    fields: {
      set_index: i('set the rep belongs to'),
      rep_index: i('position in its set, from 0'),
      start_s: f('s', 'rep start, seconds since t = 0'),
      end_s: f('s', 'rep end, seconds since t = 0'),
      duration_s: f('s', 'end_s − start_s'),
      rom_deg: f('deg', 'range of the segment inclination over the rep'),
      peak_deg: f('deg', 'largest inclination in the rep'),
      concentric_s: f('s', 'tempo: moving away from the start position'),
      eccentric_s: f('s', 'tempo: moving back'),
      hold_s: f('s', 'tempo: held near the turning point'),
      peak_force_n: f('N', 'largest force in the rep, when a force sensor was paired'),
      break_deg: f('deg', 'Nordic curls: angle where the lowering breaks away'),
    },
  },
  force_efforts: {
    description: 'One point per effort of a force sensor (placement `handle`), at the effort start.',
    retention: 'autogen',
    tags: DEVICE_TAGS,
    fields: {
      set_index: i('set the effort belongs to'),
      rep_index: i('position in its set, from 0'),
      start_s: f('s', 'effort start, seconds since t = 0'),
      end_s: f('s', 'effort end, seconds since t = 0'),
      duration_s: f('s', 'end_s − start_s'),
      peak_force_n: f('N', 'largest force in the effort'),
      rfd_100_n_per_s: f('N/s', 'rate of force development over the first 100 ms'),
      rfd_200_n_per_s: f('N/s', 'rate of force development over the first 200 ms'),
      impulse_n_s: f('N.s', 'impulse above the onset baseline'),
    },
  },
  cadence: {
    description:
      'Running cadence estimates (≥ 1 per second per device), at the data time they were computed for.',
    retention: 'autogen',
    tags: DEVICE_TAGS,
    fields: {
      spm: f('/min', 'steps per minute, both feet'),
      change_pct: f('%', 'change versus the session baseline, once one exists'),
    },
  },
  quality: {
    description: 'Per device per session, at the session start: what arrived and what was missing.',
    retention: 'autogen',
    tags: ['device', 'placement', 'session', 'side', 'subject'],
    fields: {
      packets: i('notifications received'),
      samples: i('samples decoded'),
      gaps: i('gaps detected'),
      lost_samples: i('samples estimated lost in gaps'),
      decode_errors: i('packets that could not be decoded'),
      disconnects: i('disconnect events'),
      rate_hz: f('Hz', 'measured sample rate'),
      loss_pct: f('%', 'lost_samples / (samples + lost_samples)'),
    },
  },
  asymmetry: {
    description: 'Left/right comparison per activity and metric, at the session start.',
    retention: 'autogen',
    tags: ['activity', 'metric', 'session', 'subject'],
    fields: {
      left: f('N|deg', 'left value (unit of the metric tag)'),
      right: f('N|deg', 'right value'),
      asymmetry_pct: f('%', '(stronger − weaker) / stronger'),
      flag: s('none | ge15 | ge20'),
    },
  },
  angle_trace: {
    description: 'Decimated segment inclination (~25–50 Hz) for plots; expires with the traces policy.',
    retention: 'traces',
    tags: DEVICE_TAGS,
    fields: { angle_deg: f('deg', 'segment inclination in its plane of movement') },
  },
  force_trace: {
    description: 'Decimated force for plots; expires with the traces policy.',
    retention: 'traces',
    tags: DEVICE_TAGS,
    fields: { force_n: f('N', 'force') },
  },
  imu_raw: {
    description:
      'Raw IMU samples (every aligned sample the engine used), only with --store-raw; expires with the traces policy.',
    retention: 'traces',
    tags: RAW_TAGS,
    fields: {
      acc_x_ms2: f('m/s2', 'acceleration x, sensor frame, gravity included'),
      acc_y_ms2: f('m/s2', 'acceleration y'),
      acc_z_ms2: f('m/s2', 'acceleration z'),
      gyro_x_dps: f('deg/s', 'angular rate x, sensor frame'),
      gyro_y_dps: f('deg/s', 'angular rate y'),
      gyro_z_dps: f('deg/s', 'angular rate z'),
    },
  },
  force_raw: {
    description: 'Raw force samples, only with --store-raw; expires with the traces policy.',
    retention: 'traces',
    tags: RAW_TAGS,
    fields: { force_n: f('N', 'force') },
  },
  angle_trace_1s: {
    description: 'Continuous query: angle_trace downsampled to 1 s, kept for good.',
    retention: 'autogen',
    tags: DEVICE_TAGS,
    derived: true,
    fields: {
      angle_deg: f('deg', 'mean over the second'),
      angle_min_deg: f('deg', 'smallest in the second'),
      angle_max_deg: f('deg', 'largest in the second'),
    },
  },
  force_trace_1s: {
    description: 'Continuous query: force_trace downsampled to 1 s, kept for good.',
    retention: 'autogen',
    tags: DEVICE_TAGS,
    derived: true,
    fields: {
      force_n: f('N', 'mean over the second'),
      force_max_n: f('N', 'largest in the second'),
    },
  },
} as const satisfies Record<string, MeasurementDef>;

export type MeasurementName = keyof typeof MEASUREMENTS;
/** Every measurement can be written; the `derived` ones normally come from the continuous queries (see downsample.ts). */
export type WritableMeasurement = MeasurementName;

export type FieldValue = number | string | null | undefined;

/** One point as the sink takes it. Null/undefined/non-finite fields are simply not written (InfluxDB has no null). */
export interface StoragePoint {
  measurement: WritableMeasurement;
  /** Treated as immutable once written: the sink caches each tags object's serialised series key. */
  tags: Readonly<Partial<Record<TagName, string>>>;
  fields: Readonly<Record<string, FieldValue>>;
  /** Integer microseconds since the Unix epoch (the sink writes with precision=u). */
  timeUs: number;
}

/** Continuous queries keeping downsampled copies of the expiring traces for good. */
export interface DownsampleDef {
  name: string;
  from: MeasurementName;
  into: MeasurementName;
  /** InfluxQL select list producing `into`'s fields. */
  select: string;
}

export const DOWNSAMPLES: readonly DownsampleDef[] = [
  {
    name: 'cq_angle_trace_1s',
    from: 'angle_trace',
    into: 'angle_trace_1s',
    select:
      'mean("angle_deg") AS "angle_deg", min("angle_deg") AS "angle_min_deg", max("angle_deg") AS "angle_max_deg"',
  },
  {
    name: 'cq_force_trace_1s',
    from: 'force_trace',
    into: 'force_trace_1s',
    select: 'mean("force_n") AS "force_n", max("force_n") AS "force_max_n"',
  },
];

/** What the builders need to know about the session. */
export interface SessionMeta {
  subject: string;
  session: string;
  devices: readonly DeviceInfo[];
}

/** Microsecond timestamp of a recording time `tS` (seconds since t = 0). */
export function timeUsAt(startedAtMs: number, tS: number): number {
  return Math.round(startedAtMs * 1000 + tS * 1e6);
}

/** Force gauges report efforts, not movement reps. */
export function isForceDevice(device: DeviceInfo | undefined): boolean {
  return device?.placement === 'handle';
}

function deviceTags(
  meta: SessionMeta,
  deviceId: string,
  activity: Activity | null,
  side: Side | null | undefined,
): Partial<Record<TagName, string>> {
  const device = meta.devices.find((d) => d.id === deviceId);
  return {
    activity: activity ?? 'rest',
    device: deviceId,
    placement: device?.placement,
    session: meta.session,
    side: side ?? device?.side,
    subject: meta.subject,
  };
}

/** Set points plus one rep (or force effort) point per rep. */
export function pointsFromSet(
  meta: SessionMeta,
  startedAtMs: number,
  set: SetResult,
  setIndex: number,
): StoragePoint[] {
  const tags = deviceTags(meta, set.device, set.activity, set.side);
  const force = isForceDevice(meta.devices.find((d) => d.id === set.device));
  const points: StoragePoint[] = [
    {
      measurement: 'sets',
      tags,
      timeUs: timeUsAt(startedAtMs, set.startS),
      fields: {
        set_index: setIndex,
        rep_count: set.repCount,
        start_s: set.startS,
        end_s: set.endS,
        duration_s: set.endS - set.startS,
        rom_mean_deg: set.summary?.romMeanDeg,
        rom_max_deg: set.summary?.romMaxDeg,
        hold_total_s: set.summary?.holdTotalS,
        peak_force_n: set.summary?.peakForceN,
        break_deg_mean: set.summary?.breakDegMean,
      },
    },
  ];
  set.reps.forEach((rep, repIndex) => {
    const common = {
      set_index: setIndex,
      rep_index: repIndex,
      start_s: rep.startS,
      end_s: rep.endS,
      duration_s: rep.endS - rep.startS,
    };
    points.push(
      force
        ? {
            measurement: 'force_efforts',
            tags,
            timeUs: timeUsAt(startedAtMs, rep.startS),
            fields: {
              ...common,
              peak_force_n: rep.peakForceN,
              rfd_100_n_per_s: rep.rfd100NPerS,
              rfd_200_n_per_s: rep.rfd200NPerS,
              impulse_n_s: rep.impulseNs,
            },
          }
        : {
            measurement: 'reps',
            tags,
            timeUs: timeUsAt(startedAtMs, rep.startS),
            fields: {
              ...common,
              rom_deg: rep.romDeg,
              peak_deg: rep.peakDeg,
              concentric_s: rep.concentricS,
              eccentric_s: rep.eccentricS,
              hold_s: rep.holdS,
              peak_force_n: rep.peakForceN,
              break_deg: rep.breakDeg,
            },
          },
    );
  });
  return points;
}

/** The activity a device was doing at `tS`, from the sets (cadence points carry it as a tag). */
function activityAt(
  output: AnalyzeOutput,
  device: string,
  tS: number,
): { activity: Activity; side: Side | null } {
  for (const set of output.sets) {
    if (set.device === device && tS >= set.startS && tS <= set.endS)
      return { activity: set.activity, side: set.side };
  }
  return { activity: 'run', side: null };
}

/**
 * Every point of one analysed recording: session, sets, reps/force efforts, cadence, quality and
 * asymmetry. Deterministic: the same output and meta always give the same points (same keys), so
 * re-writing a recording overwrites instead of duplicating.
 */
export function pointsFromAnalyzeOutput(
  output: AnalyzeOutput,
  meta: SessionMeta,
  startedAtMs: number,
): StoragePoint[] {
  const points: StoragePoint[] = [
    {
      measurement: 'sessions',
      tags: { session: meta.session, subject: meta.subject },
      timeUs: timeUsAt(startedAtMs, 0),
      fields: {
        duration_s: output.recording.durationS,
        set_count: output.sets.length,
        rep_count: output.sets.reduce((n, set) => n + set.repCount, 0),
        device_count: output.recording.devices.length,
      },
    },
  ];
  output.sets.forEach((set, setIndex) => {
    points.push(...pointsFromSet(meta, startedAtMs, set, setIndex));
  });
  for (const c of output.cadence) {
    const { activity, side } = activityAt(output, c.device, c.tS);
    points.push({
      measurement: 'cadence',
      tags: deviceTags(meta, c.device, activity, side),
      timeUs: timeUsAt(startedAtMs, c.tS),
      fields: { spm: c.spm, change_pct: c.changePct },
    });
  }
  for (const q of output.quality) {
    const device = meta.devices.find((d) => d.id === q.device);
    const expected = q.samples + q.lostSamples;
    points.push({
      measurement: 'quality',
      tags: {
        device: q.device,
        placement: device?.placement,
        session: meta.session,
        side: device?.side,
        subject: meta.subject,
      },
      timeUs: timeUsAt(startedAtMs, 0),
      fields: {
        packets: q.packets,
        samples: q.samples,
        gaps: q.gaps,
        lost_samples: q.lostSamples,
        decode_errors: q.decodeErrors,
        disconnects: q.disconnects,
        rate_hz: q.rateHz,
        loss_pct: expected > 0 ? (100 * q.lostSamples) / expected : 0,
      },
    });
  }
  for (const a of output.asymmetry ?? []) {
    points.push({
      measurement: 'asymmetry',
      tags: {
        activity: a.activity,
        metric: a.metric === 'peakForceN' ? 'peak_force_n' : 'rom_deg',
        session: meta.session,
        subject: meta.subject,
      },
      timeUs: timeUsAt(startedAtMs, 0),
      fields: { left: a.left, right: a.right, asymmetry_pct: a.asymmetryPct, flag: a.flag },
    });
  }
  return points;
}

/** Where a trace chunk comes from: one device during one activity period. */
export interface TraceContext {
  subject: string;
  session: string;
  device: DeviceInfo;
  /** null while resting between marks. */
  activity: Activity | null;
  /** Mark side if any, else the device's. */
  side?: Side | null;
  startedAtMs: number;
}

function traceTags(ctx: TraceContext): Partial<Record<TagName, string>> {
  return {
    activity: ctx.activity ?? 'rest',
    device: ctx.device.id,
    placement: ctx.device.placement,
    session: ctx.session,
    side: ctx.side ?? ctx.device.side,
    subject: ctx.subject,
  };
}

/** Decimated angle samples (e.g. the engine's `angle` updates) → angle_trace points. */
export function pointsFromAngleTrace(
  ctx: TraceContext,
  tS: ArrayLike<number>,
  angleDeg: ArrayLike<number>,
): StoragePoint[] {
  const tags = traceTags(ctx);
  const out: StoragePoint[] = new Array(Math.min(tS.length, angleDeg.length));
  for (let k = 0; k < out.length; k++) {
    out[k] = {
      measurement: 'angle_trace',
      tags,
      timeUs: timeUsAt(ctx.startedAtMs, tS[k] as number),
      fields: { angle_deg: angleDeg[k] },
    };
  }
  return out;
}

/** Decimated force samples → force_trace points. */
export function pointsFromForceTrace(
  ctx: TraceContext,
  tS: ArrayLike<number>,
  forceN: ArrayLike<number>,
): StoragePoint[] {
  const tags = traceTags(ctx);
  const out: StoragePoint[] = new Array(Math.min(tS.length, forceN.length));
  for (let k = 0; k < out.length; k++) {
    out[k] = {
      measurement: 'force_trace',
      tags,
      timeUs: timeUsAt(ctx.startedAtMs, tS[k] as number),
      fields: { force_n: forceN[k] },
    };
  }
  return out;
}

/** Where raw samples come from: one device of one session (see RAW_TAGS for why no activity). */
export interface RawContext {
  subject: string;
  session: string;
  device: DeviceInfo;
  startedAtMs: number;
}

/**
 * One tags object per context: the sink caches the serialised series key per tags object, so raw
 * batches of a few samples each cost one key for the whole session, not one per batch.
 */
const rawTagsByContext = new WeakMap<RawContext, Partial<Record<TagName, string>>>();

function rawTags(ctx: RawContext): Partial<Record<TagName, string>> {
  let tags = rawTagsByContext.get(ctx);
  if (!tags) {
    tags = {
      device: ctx.device.id,
      placement: ctx.device.placement,
      session: ctx.session,
      side: ctx.device.side,
      subject: ctx.subject,
    };
    rawTagsByContext.set(ctx, tags);
  }
  return tags;
}

/** Raw IMU samples (only with --store-raw) → imu_raw points. Reuse one `ctx` per device. */
export function pointsFromImuBatch(ctx: RawContext, batch: ImuBatch): StoragePoint[] {
  const tags = rawTags(ctx);
  const out: StoragePoint[] = new Array(batch.count);
  const acc = batch.accMs2;
  const gyro = batch.gyroDps;
  for (let k = 0; k < batch.count; k++) {
    out[k] = {
      measurement: 'imu_raw',
      tags,
      timeUs: timeUsAt(ctx.startedAtMs, batch.tS[k] as number),
      fields: {
        acc_x_ms2: acc?.[3 * k],
        acc_y_ms2: acc?.[3 * k + 1],
        acc_z_ms2: acc?.[3 * k + 2],
        gyro_x_dps: gyro?.[3 * k],
        gyro_y_dps: gyro?.[3 * k + 1],
        gyro_z_dps: gyro?.[3 * k + 2],
      },
    };
  }
  return out;
}

/** Raw force samples (only with --store-raw) → force_raw points. Reuse one `ctx` per device. */
export function pointsFromForceBatch(ctx: RawContext, batch: ForceBatch): StoragePoint[] {
  const tags = rawTags(ctx);
  const out: StoragePoint[] = new Array(batch.count);
  for (let k = 0; k < batch.count; k++) {
    out[k] = {
      measurement: 'force_raw',
      tags,
      timeUs: timeUsAt(ctx.startedAtMs, batch.tS[k] as number),
      fields: { force_n: batch.forceN[k] },
    };
  }
  return out;
}
