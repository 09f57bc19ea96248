import type { Activity, AnalyzeOutput, DeviceInfo, Side } from '@hamstream/core';
import { type ChangeFlag, changeFlag, MDC, type MdcDef, type ProgressMetric } from './mdc.js';
import { isForceDevice } from './schema.js';

/**
 * History and progress per subject, across sessions and weeks. Both stores (local data folder and
 * InfluxDB) reduce their data to the same `SessionFacts`, and one pure function turns facts into
 * the `SubjectHistory` the API, the dashboard and the report show — so the two cannot disagree on
 * anything but the aggregation itself (which the tests compare).
 */
export interface HistoryRange {
  /** Inclusive, ISO 8601 or Date: sessions that started at or after this. */
  from?: string | Date;
  /** Inclusive: sessions that started at or before this. */
  to?: string | Date;
}

export interface HistoryStore {
  subjectHistory(subject: string, range?: HistoryRange): Promise<SubjectHistory>;
}

/** One exercise (activity × side) in one session. */
export interface ExerciseFacts {
  activity: Activity;
  side: Side | null;
  /** Reps with a ROM. */
  repCount: number;
  romMeanDeg: number | null;
  romMaxDeg: number | null;
  /** Nordic curls: mean break angle over the reps that have one. */
  breakDegMean: number | null;
  /** Largest force over the efforts/reps, N. */
  peakForceN: number | null;
}

export interface SessionFacts {
  session: string;
  startedAtMs: number;
  exercises: ExerciseFacts[];
  /** Mean of the cadence estimates above 0, spm; null if the session had no running. */
  cadenceMeanSpm: number | null;
  cadencePoints: number;
}

export interface ProgressPoint {
  session: string;
  startedAt: string;
  value: number;
  change: ChangeFlag;
}

export interface ProgressSeries {
  metric: ProgressMetric;
  activity: Activity | null;
  side: Side | null;
  unit: string;
  /** The first session in range with this metric. */
  baseline: number;
  points: ProgressPoint[];
}

export interface SubjectHistory {
  subject: string;
  range: { from: string | null; to: string | null };
  sessions: { session: string; startedAt: string }[];
  /** ROM per exercise and side (mean ROM of the reps in each session). */
  rom: ProgressSeries[];
  /** Peak force per activity and side. */
  peakForce: ProgressSeries[];
  /** Left/right asymmetry of peak force per activity, % ((stronger − weaker) / stronger). */
  asymmetry: ProgressSeries[];
  /** Nordic break angle per side. */
  nordicBreak: ProgressSeries[];
  /** Mean running cadence per session, and its change vs the first session in range. */
  cadence: ProgressSeries | null;
  /** The MDC values the change flags used (with sources). */
  mdc: Readonly<Record<ProgressMetric, MdcDef>>;
}

const UNIT: Record<ProgressMetric, string> = {
  romDeg: 'deg',
  peakForceN: 'N',
  asymmetryPct: '%',
  breakDeg: 'deg',
  cadenceSpm: '/min',
};

export function toMs(t: string | Date | undefined): number | null {
  if (t === undefined) return null;
  const ms = t instanceof Date ? t.getTime() : Date.parse(t);
  return Number.isFinite(ms) ? ms : null;
}

export function inRange(startedAtMs: number, range: HistoryRange | undefined): boolean {
  const from = toMs(range?.from);
  const to = toMs(range?.to);
  return (from === null || startedAtMs >= from) && (to === null || startedAtMs <= to);
}

/** (stronger − weaker) / stronger, %. */
export function asymmetryPct(left: number, right: number): number {
  const stronger = Math.max(left, right);
  return stronger > 0 ? (100 * Math.abs(left - right)) / stronger : 0;
}

const mean = (xs: number[]): number | null =>
  xs.length > 0 ? xs.reduce((a, b) => a + b, 0) / xs.length : null;
const max = (xs: number[]): number | null => (xs.length > 0 ? Math.max(...xs) : null);

/** Facts of one analysed session (the local store's path; InfluxDB computes the same with InfluxQL). */
export function factsFromAnalyzeOutput(
  session: string,
  startedAtMs: number,
  output: AnalyzeOutput,
  devices: readonly DeviceInfo[],
): SessionFacts {
  const groups = new Map<
    string,
    { activity: Activity; side: Side | null; rom: number[]; brk: number[]; force: number[] }
  >();
  for (const set of output.sets) {
    const device = devices.find((d) => d.id === set.device);
    const side = set.side ?? device?.side ?? null;
    const key = `${set.activity}\u0000${side}`;
    let g = groups.get(key);
    if (!g) {
      g = { activity: set.activity, side, rom: [], brk: [], force: [] };
      groups.set(key, g);
    }
    const force = isForceDevice(device);
    for (const rep of set.reps) {
      if (!force && rep.romDeg !== null) g.rom.push(rep.romDeg);
      if (!force && rep.breakDeg !== undefined && rep.breakDeg !== null) g.brk.push(rep.breakDeg);
      if (rep.peakForceN !== null) g.force.push(rep.peakForceN);
    }
  }
  const exercises: ExerciseFacts[] = [];
  for (const g of groups.values()) {
    if (g.rom.length === 0 && g.force.length === 0 && g.brk.length === 0) continue;
    exercises.push({
      activity: g.activity,
      side: g.side,
      repCount: g.rom.length,
      romMeanDeg: mean(g.rom),
      romMaxDeg: max(g.rom),
      breakDegMean: mean(g.brk),
      peakForceN: max(g.force),
    });
  }
  // 0 spm is the engine's "no cadence yet" (not running), not a measurement.
  const spm = output.cadence.map((c) => c.spm).filter((v) => v > 0);
  return { session, startedAtMs, exercises, cadenceMeanSpm: mean(spm), cadencePoints: spm.length };
}

interface Collector {
  metric: ProgressMetric;
  activity: Activity | null;
  side: Side | null;
  values: { session: string; startedAtMs: number; value: number }[];
}

function series(c: Collector): ProgressSeries | null {
  const first = c.values[0];
  if (!first) return null;
  return {
    metric: c.metric,
    activity: c.activity,
    side: c.side,
    unit: UNIT[c.metric],
    baseline: first.value,
    points: c.values.map((v, k) => ({
      session: v.session,
      startedAt: new Date(v.startedAtMs).toISOString(),
      value: v.value,
      change: changeFlag(c.metric, first.value, v.value, k === 0),
    })),
  };
}

function sortSeries(xs: ProgressSeries[]): ProgressSeries[] {
  return xs.sort(
    (a, b) =>
      (a.activity ?? '').localeCompare(b.activity ?? '') || (a.side ?? '').localeCompare(b.side ?? ''),
  );
}

/** Facts (any order) → history, sessions oldest first; the first session with a metric is its baseline. */
export function buildSubjectHistory(
  subject: string,
  facts: readonly SessionFacts[],
  range?: HistoryRange,
): SubjectHistory {
  const sorted = [...facts].sort(
    (a, b) => a.startedAtMs - b.startedAtMs || a.session.localeCompare(b.session),
  );
  const collectors = new Map<string, Collector>();
  const add = (
    metric: ProgressMetric,
    activity: Activity | null,
    side: Side | null,
    f: SessionFacts,
    v: number,
  ) => {
    const key = `${metric}\u0000${activity}\u0000${side}`;
    let c = collectors.get(key);
    if (!c) {
      c = { metric, activity, side, values: [] };
      collectors.set(key, c);
    }
    c.values.push({ session: f.session, startedAtMs: f.startedAtMs, value: v });
  };
  for (const f of sorted) {
    const forceBySide = new Map<Activity, { left?: number; right?: number }>();
    for (const e of f.exercises) {
      if (e.romMeanDeg !== null) add('romDeg', e.activity, e.side, f, e.romMeanDeg);
      if (e.breakDegMean !== null && e.activity === 'nordic-curl')
        add('breakDeg', e.activity, e.side, f, e.breakDegMean);
      if (e.peakForceN !== null) {
        add('peakForceN', e.activity, e.side, f, e.peakForceN);
        if (e.side === 'left' || e.side === 'right') {
          const lr = forceBySide.get(e.activity) ?? {};
          lr[e.side] = Math.max(lr[e.side] ?? 0, e.peakForceN);
          forceBySide.set(e.activity, lr);
        }
      }
    }
    for (const [activity, lr] of forceBySide) {
      if (lr.left !== undefined && lr.right !== undefined) {
        add('asymmetryPct', activity, null, f, asymmetryPct(lr.left, lr.right));
      }
    }
    if (f.cadenceMeanSpm !== null) add('cadenceSpm', null, null, f, f.cadenceMeanSpm);
  }
  const all = [...collectors.values()].map(series).filter((s): s is ProgressSeries => s !== null);
  const of = (m: ProgressMetric) => sortSeries(all.filter((s) => s.metric === m));
  return {
    subject,
    range: {
      from: toMs(range?.from) === null ? null : new Date(toMs(range?.from) as number).toISOString(),
      to: toMs(range?.to) === null ? null : new Date(toMs(range?.to) as number).toISOString(),
    },
    sessions: sorted.map((f) => ({ session: f.session, startedAt: new Date(f.startedAtMs).toISOString() })),
    rom: of('romDeg'),
    peakForce: of('peakForceN'),
    asymmetry: of('asymmetryPct'),
    nordicBreak: of('breakDeg'),
    cadence: of('cadenceSpm')[0] ?? null,
    mdc: MDC,
  };
}
