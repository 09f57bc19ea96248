import type {
  Activity,
  AnalyzeOutput,
  AsymmetryResult,
  CadencePoint,
  DeviceInfo,
  DeviceQuality,
  Placement,
  RecordingEvent,
  RecordingHeader,
  SetResult,
  Side,
} from '@hamstream/core';
import type { EngineUpdate, SetRole } from '@hamstream/engine';
import type {
  CadenceZone,
  DeviceLiveStatus,
  LiveAlert,
  LiveCadence,
  LiveSet,
  SessionLiveState,
  SessionStatus,
  TargetsDto,
  TraceChunk,
  WallTile,
} from '@hamstream/protocol';
import { cadenceBand } from './targets.js';
import { TraceRing } from './trace-ring.js';

/** What an update changed, for the fan-out: `news` goes out at once, `state` at the display rate. */
export type ChangeLevel = 0 | 1 | 2;
export const NO_CHANGE: ChangeLevel = 0;
export const STATE_CHANGE: ChangeLevel = 1;
export const NEWS_CHANGE: ChangeLevel = 2;

/** A device whose data stops for this long (data time) while the session's other data moves on is lost. */
export const LOST_AFTER_S = 3;
/** Trace window kept for dashboards that start watching, s (the view shows ≥ 10 s). */
export const TRACE_WINDOW_S = 15;
const TRACE_CAPACITY = 4096;

interface ModelSet extends LiveSet {
  setId: string;
  role: SetRole;
  placementRank: number;
}

interface DeviceState {
  info: DeviceInfo;
  connected: boolean;
  batteryPct: number | null;
  packetLossPct: number | null;
  rateHz: number | null;
  lastSeenS: number | null;
}

/** Which device's reps are "the" rep count: a moving segment's IMU before a force gauge. */
const PLACEMENT_RANK: Record<Placement, number> = {
  shank: 0,
  thigh: 1,
  foot: 2,
  pelvis: 3,
  wrist: 4,
  chest: 5,
  handle: 6,
};
/** Which device's cadence is shown big: shank/foot IMUs, then footpods, then the chest. */
function cadenceRank(d: DeviceInfo | undefined): number {
  if (!d) return 99;
  const rsc = d.driver === 'ble-rsc' ? 2 : 0;
  return rsc + PLACEMENT_RANK[d.placement];
}

export interface LiveSessionModelOptions {
  session: string;
  subject: string | null;
  status: SessionStatus;
  header: RecordingHeader | null;
  targets: TargetsDto;
}

/**
 * All live state of one session, built from the engine's updates (and the raw events' times).
 * Snapshots are built on demand and cached until the next change, so many watchers share one.
 */
export class LiveSessionModel {
  readonly session: string;
  subject: string | null;
  status: SessionStatus;
  ingestOnline = false;
  startedAt: string | null = null;
  private targets: TargetsDto;
  private activity: Activity | null = null;
  private side: Side | null = null;
  private period = 0;
  private tS = 0;
  private readonly devices = new Map<string, DeviceState>();
  private readonly sets: ModelSet[] = [];
  private readonly setsById = new Map<string, ModelSet>();
  private readonly cadenceByDevice = new Map<string, LiveCadence>();
  private cadenceBaselineSpm: number | null = null;
  private zoneLastTS: number | null = null;
  private inZoneS = 0;
  private zonedS = 0;
  private inZone: boolean | null = null;
  private asymmetry: AsymmetryResult[] = [];
  private readonly cadencePoints: CadencePoint[] = [];
  private readonly quality = new Map<string, DeviceQuality>();
  private readonly finalSets = new Map<string, SetResult>();
  readonly angle = new Map<string, TraceRing>();
  readonly force = new Map<string, TraceRing>();
  /** Bumped on every change; snapshots are cached per version. */
  version = 0;
  private cachedState: { version: number; state: SessionLiveState; primaryRole: SetRole | null } | null =
    null;

  constructor(opts: LiveSessionModelOptions) {
    this.session = opts.session;
    this.subject = opts.subject;
    this.status = opts.status;
    this.targets = opts.targets;
    if (opts.header) this.setHeader(opts.header);
  }

  setHeader(header: RecordingHeader): void {
    this.startedAt = header.startedAt;
    // The subject is the session's (the registry decides); a header only claims one.
    if (this.activity === null && this.period === 0 && header.activity) this.activity = header.activity;
    for (const info of header.devices) {
      if (!this.devices.has(info.id)) {
        this.devices.set(info.id, {
          info,
          connected: true,
          batteryPct: null,
          packetLossPct: null,
          rateHz: null,
          lastSeenS: null,
        });
      }
    }
    this.version++;
  }

  setTargets(targets: TargetsDto): void {
    this.targets = targets;
    this.version++;
  }

  setStatus(status: SessionStatus): void {
    this.status = status;
    this.version++;
  }

  setIngestOnline(online: boolean): void {
    this.ingestOnline = online;
    this.version++;
  }

  /** A raw recording event went into the engine: track data time and per-device liveness. */
  observeEvent(event: RecordingEvent): void {
    const tS = event.t / 1000;
    if (tS > this.tS) this.tS = tS;
    if (event.type === 'packet' || event.type === 'sample') {
      const d = this.devices.get(event.device);
      if (d) d.lastSeenS = tS;
    }
    this.version++;
  }

  apply(u: EngineUpdate): ChangeLevel {
    this.version++;
    switch (u.type) {
      case 'activity':
        this.activity = u.activity;
        this.side = u.side;
        if (u.activity !== null) this.period++;
        return NEWS_CHANGE;
      case 'set-start': {
        const set: ModelSet = {
          setId: u.setId,
          role: u.role,
          period: this.period,
          device: u.device,
          activity: u.activity,
          side: u.side,
          startS: u.startS,
          endS: null,
          reps: [],
          placementRank: PLACEMENT_RANK[this.devices.get(u.device)?.info.placement ?? 'handle'],
        };
        this.sets.push(set);
        this.setsById.set(u.setId, set);
        return NEWS_CHANGE;
      }
      case 'rep': {
        const set = this.setsById.get(u.setId);
        if (!set) return NO_CHANGE;
        set.reps[u.repIndex] = u.rep;
        return NEWS_CHANGE;
      }
      case 'set-end': {
        const set = this.setsById.get(u.setId);
        if (!set) return NO_CHANGE;
        set.endS = u.set.endS;
        set.reps = [...u.set.reps];
        this.finalSets.set(u.setId, u.set);
        return NEWS_CHANGE;
      }
      case 'cadence':
        this.cadencePoints.push(u.point);
        return this.applyCadence(u.point.device, u.point.tS, u.point.spm, u.point.changePct ?? null);
      case 'angle':
        this.ring(this.angle, u.device).push(u.tS, u.angleDeg);
        return STATE_CHANGE;
      case 'force':
        this.ring(this.force, u.device).push(u.tS, u.forceN);
        return STATE_CHANGE;
      case 'quality': {
        const d = this.devices.get(u.quality.device);
        if (!d) return NO_CHANGE;
        const q = u.quality;
        this.quality.set(q.device, q);
        const expected = q.samples + q.lostSamples;
        d.packetLossPct = expected > 0 ? (100 * q.lostSamples) / expected : null;
        d.rateHz = q.rateHz;
        return STATE_CHANGE;
      }
      case 'connection': {
        const d = this.devices.get(u.device);
        if (!d) return NO_CHANGE;
        d.connected = u.state === 'connected';
        return NEWS_CHANGE;
      }
      case 'battery': {
        const d = this.devices.get(u.device);
        if (!d || u.percent === null) return NO_CHANGE;
        d.batteryPct = u.percent;
        return STATE_CHANGE;
      }
      case 'asymmetry':
        this.asymmetry = u.results;
        return NEWS_CHANGE;
      case 'end':
        if (u.durationS > this.tS) this.tS = u.durationS;
        return STATE_CHANGE;
      case 'gap':
      case 'warning':
        return NO_CHANGE;
    }
  }

  private ring(map: Map<string, TraceRing>, device: string): TraceRing {
    let r = map.get(device);
    if (!r) {
      r = new TraceRing(TRACE_CAPACITY);
      map.set(device, r);
    }
    return r;
  }

  private applyCadence(device: string, tS: number, spm: number, engineChangePct: number | null): ChangeLevel {
    const target = this.targets.cadence;
    const baseline =
      target?.baselineSpm ??
      (engineChangePct !== null && Number.isFinite(engineChangePct)
        ? spm / (1 + engineChangePct / 100)
        : null);
    const changePct = baseline ? (100 * (spm - baseline)) / baseline : engineChangePct;
    const point: LiveCadence = { device, tS, spm, changePct };
    this.cadenceByDevice.set(device, point);
    if (this.primaryCadenceDevice() !== device) return STATE_CHANGE;
    if (baseline) this.cadenceBaselineSpm = baseline;
    // Time in zone: data time between consecutive readings, not across gaps.
    const inZone =
      target && changePct !== null ? Math.abs(changePct - target.changePct) <= target.tolerancePct : null;
    if (this.zoneLastTS !== null && this.inZone !== null) {
      const dt = tS - this.zoneLastTS;
      if (dt > 0 && dt <= 2.5) {
        this.zonedS += dt;
        if (this.inZone) this.inZoneS += dt;
      }
    }
    this.zoneLastTS = tS;
    this.inZone = inZone;
    return STATE_CHANGE;
  }

  private primaryCadenceDevice(): string | null {
    let best: string | null = null;
    let bestRank = Number.POSITIVE_INFINITY;
    for (const device of this.cadenceByDevice.keys()) {
      const r = cadenceRank(this.devices.get(device)?.info);
      if (r < bestRank) {
        best = device;
        bestRank = r;
      }
    }
    return best;
  }

  /** Sets of the current activity period, else of the last period that had sets. */
  private currentSets(): ModelSet[] {
    const last = this.sets.at(-1);
    if (!last) return [];
    const period = last.period;
    return this.sets.filter((s) => s.period === period);
  }

  private static primaryOf(sets: readonly ModelSet[]): ModelSet | null {
    let best: ModelSet | null = null;
    let bestRank = Number.POSITIVE_INFINITY;
    for (const s of sets) {
      if (s.role === 'cadence') continue;
      const rank = (s.role === 'force' ? 100 : 0) + s.placementRank;
      if (rank < bestRank) {
        best = s;
        bestRank = rank;
      }
    }
    return best;
  }

  private isLost(d: DeviceState): boolean {
    if (!d.connected) return true;
    if (this.status !== 'live' || !this.ingestOnline) return false;
    return d.lastSeenS !== null ? this.tS - d.lastSeenS > LOST_AFTER_S : false;
  }

  private deviceStatuses(): DeviceLiveStatus[] {
    return [...this.devices.values()].map((d) => ({
      device: d.info.id,
      driver: d.info.driver,
      placement: d.info.placement,
      side: d.info.side,
      connected: d.connected && (this.ingestOnline || this.status !== 'live'),
      lost: this.isLost(d),
      batteryPct: d.batteryPct,
      packetLossPct: d.packetLossPct,
      rateHz: d.rateHz,
      lastSeenS: d.lastSeenS,
    }));
  }

  state(): SessionLiveState {
    if (this.cachedState?.version === this.version) return this.cachedState.state;
    const current = this.currentSets();
    const primary = LiveSessionModel.primaryOf(current);
    const lastRep = primary?.reps.at(-1) ?? null;
    const romTargetDeg = primary ? (this.targets.romDeg[primary.activity] ?? null) : null;
    const forceSet = current.find((s) => s.role === 'force') ?? null;
    const lastEffort = forceSet?.reps.at(-1) ?? null;
    const breakRep =
      [...current]
        .reverse()
        .find((s) => s.reps.at(-1)?.breakDeg != null)
        ?.reps.at(-1) ?? null;

    // Session totals: the primary set of every period.
    const periods = new Map<number, ModelSet[]>();
    for (const s of this.sets) {
      const list = periods.get(s.period) ?? [];
      list.push(s);
      periods.set(s.period, list);
    }
    let repTotal = 0;
    let setCount = 0;
    for (const list of periods.values()) {
      const p = LiveSessionModel.primaryOf(list);
      if (p && (p.reps.length > 0 || p.endS === null)) {
        setCount++;
        repTotal += p.reps.length;
      }
    }

    const devices = this.deviceStatuses();
    const alerts: LiveAlert[] = [];
    if (
      lastRep &&
      primary &&
      romTargetDeg !== null &&
      lastRep.romDeg !== null &&
      lastRep.romDeg < romTargetDeg
    ) {
      alerts.push({
        kind: 'rom-below-target',
        device: primary.device,
        romDeg: lastRep.romDeg,
        targetDeg: romTargetDeg,
      });
    }
    for (const a of this.asymmetry) {
      if (a.asymmetryPct >= 15) {
        alerts.push({
          kind: 'asymmetry',
          activity: a.activity,
          metric: a.metric,
          asymmetryPct: a.asymmetryPct,
        });
      }
    }
    for (const d of devices) if (d.lost) alerts.push({ kind: 'sensor-lost', device: d.device });

    const primaryCadence = this.primaryCadenceDevice();
    const cadence = primaryCadence ? (this.cadenceByDevice.get(primaryCadence) ?? null) : null;
    const state: SessionLiveState = {
      session: this.session,
      subject: this.subject,
      status: this.status,
      ingestOnline: this.ingestOnline,
      startedAt: this.startedAt,
      activity: this.activity,
      side: this.side,
      tS: this.tS,
      devices,
      sets: current.map(({ period, device, activity, side, startS, endS, reps }) => ({
        period,
        device,
        activity,
        side,
        startS,
        endS,
        reps,
      })),
      primaryDevice: primary?.device ?? null,
      repCount: primary?.reps.length ?? 0,
      repTotal,
      setCount,
      lastRomDeg: lastRep?.romDeg ?? null,
      romTargetDeg,
      tempo: lastRep
        ? { concentricS: lastRep.concentricS, holdS: lastRep.holdS, eccentricS: lastRep.eccentricS }
        : null,
      force: lastEffort
        ? {
            peakForceN: lastEffort.peakForceN,
            rfd100NPerS: lastEffort.rfd100NPerS ?? null,
            rfd200NPerS: lastEffort.rfd200NPerS ?? null,
          }
        : null,
      breakDeg: breakRep?.breakDeg ?? null,
      cadence,
      cadenceByDevice: [...this.cadenceByDevice.values()],
      cadenceBaselineSpm: this.cadenceBaselineSpm,
      cadenceZone: this.cadenceZone(),
      asymmetry: this.asymmetry,
      alerts,
    };
    this.cachedState = { version: this.version, state, primaryRole: primary?.role ?? null };
    return state;
  }

  private cadenceZone(): CadenceZone | null {
    const target = this.targets.cadence;
    if (!target || this.cadenceByDevice.size === 0) return null;
    const band = this.cadenceBaselineSpm !== null ? cadenceBand(target, this.cadenceBaselineSpm) : null;
    return {
      targetSpm: band?.targetSpm ?? null,
      lowSpm: band?.lowSpm ?? null,
      highSpm: band?.highSpm ?? null,
      changePct: target.changePct,
      tolerancePct: target.tolerancePct,
      inZone: this.inZone,
      inZoneS: this.inZoneS,
      zonedS: this.zonedS,
    };
  }

  tile(): WallTile {
    const s = this.state();
    const running =
      s.activity === 'run' || (s.activity === null && s.sets.length === 0 && s.cadence !== null);
    const primaryRole = this.cachedState?.primaryRole ?? null;
    return {
      session: s.session,
      subject: s.subject,
      status: s.status,
      ingestOnline: s.ingestOnline,
      activity: s.activity,
      side: s.side,
      tS: s.tS,
      repCount: s.repCount,
      repTotal: s.repTotal,
      setCount: s.setCount,
      lastRomDeg: s.lastRomDeg,
      romTargetDeg: s.romTargetDeg,
      cadenceSpm: s.cadence?.spm ?? null,
      cadenceChangePct: s.cadence?.changePct ?? null,
      cadenceInZone: s.cadenceZone?.inZone ?? null,
      cadenceTimeInZonePct:
        s.cadenceZone && s.cadenceZone.zonedS > 0
          ? (100 * s.cadenceZone.inZoneS) / s.cadenceZone.zonedS
          : null,
      peakForceN: s.force?.peakForceN ?? null,
      kind: running ? 'run' : primaryRole === 'force' ? 'force' : s.primaryDevice ? 'reps' : 'idle',
      devices: s.devices,
      alerts: s.alerts,
    };
  }

  /** New trace points for a watcher, given its cursors (updated in place). */
  traceSince(kind: 'angle' | 'force', cursors: Map<string, number>, full: boolean): TraceChunk[] {
    const map = kind === 'angle' ? this.angle : this.force;
    const out: TraceChunk[] = [];
    for (const [device, ring] of map) {
      const last = ring.lastTS();
      const cursor = full ? 0 : (cursors.get(device) ?? 0);
      const { tS, values } = ring.since(
        cursor,
        full && last !== null ? last - TRACE_WINDOW_S : Number.NEGATIVE_INFINITY,
      );
      cursors.set(device, ring.total);
      if (tS.length > 0) out.push({ device, tS, values });
    }
    return out;
  }

  /** The analysis so far, in the analyze-output shape: sets still running end at the newest data. */
  provisionalOutput(): AnalyzeOutput {
    const sets: SetResult[] = this.sets.map(
      (s) =>
        this.finalSets.get(s.setId) ?? {
          device: s.device,
          activity: s.activity,
          side: s.side,
          startS: s.startS,
          endS: Math.max(s.startS, this.tS),
          repCount: s.reps.length,
          reps: s.reps.filter((r) => r !== undefined),
        },
    );
    return {
      recording: {
        startedAt: this.startedAt ?? new Date(0).toISOString(),
        durationS: this.tS,
        devices: [...this.devices.keys()],
      },
      sets,
      cadence: [...this.cadencePoints],
      quality: [...this.quality.values()],
      ...(this.asymmetry.length > 0 ? { asymmetry: this.asymmetry } : {}),
    };
  }
}
