import type { Activity } from '@hamstream/core';
import type { AngleSeries, RepDetector, RepDetectorOptions, RepEvent } from '../contracts.js';
import { centralSpeedDps } from './angular-speed.js';
import { computeBreakDeg } from './nordic-break.js';

/**
 * Rep detection: a causal state machine on the inclination relative to the rest position.
 *
 *   rest ──(|angle − rest| ≥ on)──▶ away ──(returned ≥ 65 % of its excursion)──▶ returning
 *     ▲                                                                              │
 *     └──────────── settled (slow for 0.3 s), next excursion started, or timeout ◀───┘
 *
 * A finished excursion counts as a rep when its ROM is at least an absolute floor and a fraction of the
 * set's typical ROM (median of the last counted reps), lasted long enough, and went the set's way.
 * Exact definitions: packages/metrics/README.md.
 */
export const REP_TUNING = {
  /** Smallest ROM that can count as a deliberate rep, degrees (fidgets are smaller). */
  floorDeg: 4,
  /** An excursion must reach this fraction of the typical ROM to count (less is a partial move or a fidget). */
  countFracOfTypical: 0.5,
  /** An excursion starts at this fraction of the typical ROM (hysteresis: lower than the count fraction). */
  onFracOfTypical: 0.3,
  /** Absolute start threshold as a fraction of floorDeg (before the typical ROM is known). */
  onFracOfFloor: 0.75,
  /** The way back is under way when the excursion fell below this fraction of its peak. */
  returnFrac: 0.35,
  /** The segment has settled when slower than this for settleS. */
  settleDps: 10,
  settleS: 0.3,
  /** The rest position follows the segment while it is slower than this. */
  restTrackDps: 6,
  restTrackTauS: 1.5,
  /** Once the set's direction is known, a segment settled beyond the rest level on the far side of the reps
   * moves the rest level there faster: the rest position is the low end of the movement (after a hole the
   * rest level may have been picked up mid-rep), s. */
  restDropTauS: 0.3,
  /** Rep start/end: the latest/earliest sample within max(edgeMinDeg, edgeFrac·excursion) of the lowest
   * level next to the excursion; the search stops at a rise of max(edgeStopMinDeg, edgeStopFrac·excursion). */
  edgeMinDeg: 0.3,
  edgeFrac: 0.01,
  edgeStopMinDeg: 1,
  edgeStopFrac: 0.05,
  /** ROM also covers this much of the rest next to the rep, s. */
  romRestMarginS: 0.3,
  /** Hold: near the top (within this fraction of the ROM from the peak) and slower than
   * max(holdSpeedMinDps, holdSpeedFrac × the rep's peak speed). */
  holdNearTopFrac: 0.25,
  holdSpeedMinDps: 2,
  holdSpeedFrac: 0.05,
  /** Angular speed: central difference over ± this, s. */
  speedHalfWindowS: 0.1,
  /** Shortest rep, s. */
  minRepS: 0.8,
  /** Longest time away before a move is taken as repositioning, s (stretch holds get longer). */
  maxAwayS: 40,
  maxAwayStretchS: 240,
  /** Longest wait for settling after the return, s. */
  maxReturnS: 3,
  /** Samples kept before an excursion to find where it left the rest band, s. */
  historyS: 15,
  /** A first rep smaller than this is held back until the next rep shows the set's range (fidget or not). */
  provisionalDeg: 15,
  /** Typical ROM: median over this many recent counted reps. */
  typicalOf: 5,
  /** A hole in the data longer than this (the inclination restarts from the accelerometer): speeds restart,
   * a returning rep is finalised, and no edge search reaches back across it, s. */
  maxHoleS: 0.5,
  /** Rep start: the segment left its rest level at most this long before crossing the start threshold
   * (or 1.5 × the typical concentric time when longer), s: the edge search never reaches into an earlier rest. */
  startSearchS: 3,
  /** A rep smaller than isolatedFrac × the typical ROM with no other rep within max(isolationMinS,
   * isolationPauses × the set's median pause between reps) before and after it is a fidget in a rest
   * nobody marked, not a rep; it is decided when the next rep comes (or dropped at the set's end). */
  isolatedFrac: 0.6,
  isolationMinS: 4,
  isolationPauses: 3,
} as const;

/** Returned when a push completes no rep: shared, so the hot path allocates nothing. */
const NO_REPS: RepEvent[] = [];

enum Phase {
  Rest = 0,
  Away = 1,
  Returning = 2,
}

export function createRepDetector(opts: RepDetectorOptions): RepDetector {
  return new RepMachine(opts.activity);
}

class RepMachine implements RepDetector {
  private readonly isNordic: boolean;
  private readonly maxAwayS: number;

  private bufT = new Float64Array(4096);
  private bufA = new Float64Array(4096);
  private bufN = 0;

  private phase: Phase = Phase.Rest;
  private hasRest = false;
  private restDeg = 0;
  /** Rest level at the start of the first counted rep: the reference of peakDeg and breakDeg. */
  private setRefDeg: number | null = null;
  private dir = 0;
  private oppositeStreak = 0;
  private readonly recentRoms: number[] = [];
  private typicalDeg = 0;

  private lastT = Number.NaN;
  private lastA = 0;
  private speedDps = 0;

  // Current excursion.
  private sign = 1;
  private peakExc = 0;
  private crossIdx = 0;
  private crossT = 0;
  private minExc = 0;
  private minIdx = 0;
  private settledS = 0;
  private returnT = 0;

  private readonly events: RepEvent[] = [];
  private speed = new Float64Array(1024);
  /** A small first rep waiting for the next one to tell whether it was a fidget. */
  private held: { rep: RepEvent; romDeg: number; sign: number; refDeg: number } | null = null;
  /** A hole happened since the last completed rep (see hole()). */
  private afterHole = false;
  /** A small rep far from the last one, waiting to see whether the set goes on right after it. */
  private isolated: { rep: RepEvent; romDeg: number; sign: number; refDeg: number } | null = null;
  private lastRepEndS = Number.NEGATIVE_INFINITY;
  private readonly recentPausesS: number[] = [];
  /** The current rep came back by most of the typical ROM but not to the old rest level (see hole()). */
  private rebasedReturn = false;
  /** Median concentric time of the recent counted reps, s (bounds the start-edge search). */
  private readonly recentConcentricS: number[] = [];

  constructor(readonly activity: Activity) {
    this.isNordic = activity === 'nordic-curl';
    this.maxAwayS =
      activity === 'supine-hamstring-stretch' ? REP_TUNING.maxAwayStretchS : REP_TUNING.maxAwayS;
  }

  push(angles: AngleSeries): RepEvent[] {
    if (this.events.length !== 0) this.events.length = 0;
    const tS = angles.tS;
    const aD = angles.angleDeg;
    const count = angles.count;
    for (let i = 0; i < count; i++) {
      // Rest, away and returning phases run in a tight loop over locals until a rep completes.
      if (this.hasRest) {
        i = this.fastRange(tS, aD, i, count);
        if (i >= count) break;
      }
      const t = tS[i]!;
      const a = aD[i]!;
      if (!Number.isFinite(t) || !Number.isFinite(a)) continue;
      if (t <= this.lastT) continue;
      this.step(t, a);
    }
    return this.events.length === 0 ? NO_REPS : this.events.slice();
  }

  /**
   * step() for the rest and away phases, over locals, from i0 until something needs the general path
   * (the return, a full buffer, an odd sample); returns the first index not processed. Same operations in
   * the same order as step(): identical results.
   */
  private fastRange(tS: Float64Array, aD: Float64Array, i0: number, count: number): number {
    let lastT = this.lastT;
    let lastA = this.lastA;
    let speed = this.speedDps;
    let rest = this.restDeg;
    let phase = this.phase;
    let peakExc = this.peakExc;
    let bufN = this.bufN;
    const bufT = this.bufT;
    const bufA = this.bufA;
    const cap = bufT.length;
    const dir = this.dir;
    const on = this.onThreshold();
    let minExc = this.minExc;
    let minIdx = this.minIdx;
    let settledS = this.settledS;
    const riseToNext = Math.max(on * 0.5, 0.15 * peakExc);
    const rebase = this.afterHole ? (1 - REP_TUNING.returnFrac) * this.typicalDeg : 0;
    let i = i0;
    for (; i < count; i++) {
      const t = tS[i]!;
      const a = aD[i]!;
      const dt = t - lastT;
      if (!(dt > 0 && dt <= REP_TUNING.maxHoleS) || !Number.isFinite(a) || bufN === cap) break;
      if (phase === Phase.Rest && bufN >= 2048 && bufT[0]! < t - 2 * REP_TUNING.historyS) break;
      const v = (a - lastA) / dt;
      const k = Math.min(1, dt / 0.15);
      const newSpeed = speed + k * (v - speed);
      const sp = Math.abs(newSpeed);
      if (phase === Phase.Returning) {
        // Only while the rep is not completing: the completing sample goes through step().
        const e = this.sign * (a - rest);
        const m = Math.min(e, minExc);
        const settled = sp < REP_TUNING.settleDps ? settledS + dt : 0;
        if (settled >= REP_TUNING.settleS || e - m >= riseToNext || t - this.returnT > REP_TUNING.maxReturnS)
          break;
        speed = newSpeed;
        lastT = t;
        lastA = a;
        const idx = bufN++;
        bufT[idx] = t;
        bufA[idx] = a;
        if (e < minExc) {
          minExc = e;
          minIdx = idx;
        }
        settledS = settled;
        continue;
      }
      speed = newSpeed;
      lastT = t;
      lastA = a;
      const idx = bufN++;
      bufT[idx] = t;
      bufA[idx] = a;
      if (phase === Phase.Rest) {
        const d = a - rest;
        if (sp < REP_TUNING.restTrackDps) {
          const tau = dir * d < 0 ? REP_TUNING.restDropTauS : REP_TUNING.restTrackTauS;
          rest += (a - rest) * Math.min(1, dt / tau);
        }
        const exc = dir === 0 ? Math.abs(d) : dir * d;
        if (exc >= on) {
          phase = Phase.Away;
          this.sign = dir === 0 ? (d >= 0 ? 1 : -1) : dir;
          peakExc = exc;
          this.crossIdx = idx;
          this.crossT = t;
        }
      } else {
        const e = this.sign * (a - rest);
        if (e > peakExc) peakExc = e;
        if (e <= REP_TUNING.returnFrac * peakExc || (rebase > 0 && peakExc - e >= rebase)) {
          this.rebasedReturn = e > REP_TUNING.returnFrac * peakExc;
          phase = Phase.Returning;
          minExc = e;
          minIdx = idx;
          settledS = 0;
          this.returnT = t;
          i++;
          break;
        }
        if (t - this.crossT > this.maxAwayS && sp < REP_TUNING.settleDps) {
          phase = Phase.Rest;
          rest = a;
        }
      }
    }
    this.lastT = lastT;
    this.lastA = lastA;
    this.speedDps = speed;
    this.restDeg = rest;
    this.phase = phase;
    this.peakExc = peakExc;
    this.minExc = minExc;
    this.minIdx = minIdx;
    this.settledS = settledS;
    this.bufN = bufN;
    return i;
  }

  finish(): RepEvent[] {
    if (this.events.length !== 0) this.events.length = 0;
    if (this.phase === Phase.Returning) this.finalize(this.minIdx);
    this.phase = Phase.Rest;
    // A small rep far from the others at the end of the set: a fidget (see isolatedFrac).
    this.isolated = null;
    // A small first rep that no other rep followed: the set's only rep.
    const held = this.held;
    if (held !== null) {
      this.held = null;
      this.events.unshift(held.rep);
    }
    return this.events.slice();
  }

  private onThreshold(): number {
    return Math.max(
      REP_TUNING.onFracOfFloor * REP_TUNING.floorDeg,
      REP_TUNING.onFracOfTypical * this.typicalDeg,
    );
  }

  private append(t: number, a: number): number {
    if (this.bufN === this.bufT.length) {
      // Drop old history first when possible; grow otherwise (long holds).
      if (this.phase === Phase.Rest) this.compact(t);
      if (this.bufN === this.bufT.length) {
        const nt = new Float64Array(this.bufT.length * 2);
        const na = new Float64Array(this.bufA.length * 2);
        nt.set(this.bufT);
        na.set(this.bufA);
        this.bufT = nt;
        this.bufA = na;
      }
    }
    const j = this.bufN++;
    this.bufT[j] = t;
    this.bufA[j] = a;
    return j;
  }

  /** Keeps only the last historyS of samples (only while at rest: no live indices). */
  private compact(nowT: number): void {
    let k = 0;
    while (k < this.bufN && this.bufT[k]! < nowT - REP_TUNING.historyS) k++;
    if (k === 0) return;
    this.bufT.copyWithin(0, k, this.bufN);
    this.bufA.copyWithin(0, k, this.bufN);
    this.bufN -= k;
  }

  private step(t: number, a: number): void {
    const dt = t - this.lastT;
    if (dt > REP_TUNING.maxHoleS && this.hasRest) this.hole();
    if (dt > 0 && dt <= REP_TUNING.maxHoleS) {
      const v = (a - this.lastA) / dt;
      const k = Math.min(1, dt / 0.15);
      this.speedDps += k * (v - this.speedDps);
    } else {
      this.speedDps = 0;
    }
    this.lastT = t;
    this.lastA = a;
    const idx = this.append(t, a);
    if (!this.hasRest) {
      this.restDeg = a;
      this.hasRest = true;
    }
    const speed = Math.abs(this.speedDps);
    switch (this.phase) {
      case Phase.Rest: {
        const d = a - this.restDeg;
        if (speed < REP_TUNING.restTrackDps && dt > 0 && dt <= REP_TUNING.maxHoleS) {
          const tau = this.dir * d < 0 ? REP_TUNING.restDropTauS : REP_TUNING.restTrackTauS;
          this.restDeg += (a - this.restDeg) * Math.min(1, dt / tau);
        }
        const on = this.onThreshold();
        const exc = this.dir === 0 ? Math.abs(d) : this.dir * d;
        if (exc >= on) {
          this.phase = Phase.Away;
          this.sign = this.dir === 0 ? (d >= 0 ? 1 : -1) : this.dir;
          this.peakExc = exc;
          this.crossIdx = idx;
          this.crossT = t;
        } else if (this.bufN >= 2048 && this.bufT[0]! < t - 2 * REP_TUNING.historyS) {
          this.compact(t);
        }
        break;
      }
      case Phase.Away: {
        const e = this.sign * (a - this.restDeg);
        if (e > this.peakExc) this.peakExc = e;
        const rebase = this.afterHole ? (1 - REP_TUNING.returnFrac) * this.typicalDeg : 0;
        if (e <= REP_TUNING.returnFrac * this.peakExc || (rebase > 0 && this.peakExc - e >= rebase)) {
          this.rebasedReturn = e > REP_TUNING.returnFrac * this.peakExc;
          this.phase = Phase.Returning;
          this.minExc = e;
          this.minIdx = idx;
          this.settledS = 0;
          this.returnT = t;
        } else if (t - this.crossT > this.maxAwayS && speed < REP_TUNING.settleDps) {
          // Never came back: a change of position, not a rep.
          this.phase = Phase.Rest;
          this.restDeg = a;
        }
        break;
      }
      case Phase.Returning: {
        const e = this.sign * (a - this.restDeg);
        if (e < this.minExc) {
          this.minExc = e;
          this.minIdx = idx;
        }
        this.settledS =
          speed < REP_TUNING.settleDps ? this.settledS + (dt > 0 && dt <= REP_TUNING.maxHoleS ? dt : 0) : 0;
        const rise = e - this.minExc;
        const nextStarted = rise >= Math.max(this.onThreshold() * 0.5, 0.15 * this.peakExc);
        if (this.settledS >= REP_TUNING.settleS || nextStarted || t - this.returnT > REP_TUNING.maxReturnS) {
          this.finalize(this.minIdx);
          this.phase = Phase.Rest;
          // The rest position is where the segment came back to.
          this.restDeg = nextStarted ? this.bufA[this.minIdx]! : a;
          if (nextStarted) {
            // Re-examine this sample as the possible start of the next excursion.
            const d = a - this.restDeg;
            const exc = this.dir === 0 ? Math.abs(d) : this.dir * d;
            if (exc >= this.onThreshold()) {
              this.phase = Phase.Away;
              this.sign = this.dir === 0 ? (d >= 0 ? 1 : -1) : this.dir;
              this.peakExc = exc;
              this.crossIdx = idx;
              this.crossT = t;
            }
          }
          if (this.phase === Phase.Rest) this.dropBefore(this.minIdx);
          else this.dropBefore(Math.max(0, this.minIdx - 1));
        }
        break;
      }
    }
  }

  /**
   * A hole in the data (disconnect, long loss). The angle keeps its reference across it (the inclination
   * restarts from gravity in the same plane), so the rest level stays and an excursion under way goes on:
   * if the segment is back after the hole, the rep happened (its return was missed). A rep on its way back
   * is complete: it is finalised with what came before the hole. At rest, the history before the hole is
   * dropped, so that no edge search reaches across it.
   */
  private hole(): void {
    // Until the next rep completes, a return by most of the typical ROM completes the rep even if it does
    // not come back to the old rest level: where the movement axis is along gravity, only the gyro sees the
    // angle and its reference did not survive the hole (the rest level is then re-based on the rep's end).
    this.afterHole = true;
    this.speedDps = 0;
    this.settledS = 0;
    if (this.phase === Phase.Returning) {
      this.finalize(this.minIdx);
      this.phase = Phase.Rest;
      this.restDeg = this.bufA[this.minIdx]!;
    }
    if (this.phase === Phase.Rest) {
      this.bufN = 0;
      this.crossIdx = 0;
    }
  }

  /** Removes buffered samples before index k (keeps the valley as the next rep's history). */
  private dropBefore(k: number): void {
    if (k <= 0) return;
    this.bufT.copyWithin(0, k, this.bufN);
    this.bufA.copyWithin(0, k, this.bufN);
    this.bufN -= k;
    this.crossIdx -= k;
    if (this.crossIdx < 0) this.crossIdx = 0;
  }

  private finalize(lastIdx: number): void {
    this.afterHole = false;
    const T = this.bufT;
    const A = this.bufA;
    const s = this.sign;
    const rest = this.restDeg;
    // Peak of the excursion.
    let peakIdx = this.crossIdx;
    let peakE = Number.NEGATIVE_INFINITY;
    for (let i = this.crossIdx; i <= lastIdx; i++) {
      const e = s * (A[i]! - rest);
      if (e > peakE) {
        peakE = e;
        peakIdx = i;
      }
    }
    const peakExc = peakE;
    // Edges: where the movement leaves / comes back to rest, found as the latest (earliest) sample near the
    // lowest level before (after) the peak; a rise of more than `stop` ends the search (previous rep, fidget).
    const stop = Math.max(REP_TUNING.edgeStopMinDeg, REP_TUNING.edgeStopFrac * peakExc);
    const near = Math.max(REP_TUNING.edgeMinDeg, REP_TUNING.edgeFrac * peakExc);
    let m = Number.POSITIVE_INFINITY;
    let stopIdx = 0;
    const leadS = Math.max(REP_TUNING.startSearchS, 1.5 * median(this.recentConcentricS));
    // A rep re-based after a hole started from wherever the segment was before its peak, not from the
    // old rest level it crossed.
    const searchFrom = this.rebasedReturn ? peakIdx : this.crossIdx;
    this.rebasedReturn = false;
    const earliestT = T[searchFrom]! - leadS;
    for (let i = searchFrom; i >= 0; i--) {
      if (T[i]! < earliestT) {
        stopIdx = i + 1;
        break;
      }
      const e = s * (A[i]! - rest);
      if (e < m) m = e;
      else if (e > m + stop) {
        stopIdx = i + 1;
        break;
      }
    }
    const stopBefore = stopIdx;
    let startIdx = stopIdx;
    for (let i = searchFrom; i >= stopIdx; i--) {
      if (s * (A[i]! - rest) <= m + near) {
        startIdx = i;
        break;
      }
    }
    const tail = this.bufN - 1;
    m = Number.POSITIVE_INFINITY;
    stopIdx = tail;
    for (let i = peakIdx; i <= tail; i++) {
      const e = s * (A[i]! - rest);
      if (e < m) m = e;
      else if (e > m + stop) {
        stopIdx = i - 1;
        break;
      }
    }
    let endIdx = lastIdx;
    for (let i = peakIdx; i <= stopIdx; i++) {
      if (s * (A[i]! - rest) <= m + near) {
        endIdx = i;
        break;
      }
    }
    // ROM over the rep plus a short margin of the rest on either side (the rest level belongs to the rep;
    // the edges are defined a hair above it).
    let lo = Number.POSITIVE_INFINITY;
    let hi = Number.NEGATIVE_INFINITY;
    const marginS = REP_TUNING.romRestMarginS;
    let from = startIdx;
    while (from > stopBefore && T[from - 1]! >= T[startIdx]! - marginS) from--;
    let to = endIdx;
    while (to < stopIdx && T[to + 1]! <= T[endIdx]! + marginS) to++;
    for (let i = from; i <= to; i++) {
      const v = A[i]!;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    const romDeg = hi - lo;
    const startS = T[startIdx]!;
    const endS = T[endIdx]!;
    const typical = this.typicalDeg;
    const bigEnough =
      romDeg >= REP_TUNING.floorDeg &&
      romDeg >= REP_TUNING.countFracOfTypical * typical &&
      endS - startS >= REP_TUNING.minRepS;
    if (!bigEnough) return;
    if (this.dir !== 0 && s !== this.dir) {
      // Against the set's direction: not a rep, unless it keeps happening (the first "rep" was the odd one).
      this.oppositeStreak++;
      if (this.oppositeStreak < 3) return;
      this.dir = s;
    }
    this.oppositeStreak = 0;
    // The set's direction and start position are committed with its first counted rep (not by a small
    // first excursion held back below: sway or a fidget must not decide which way the set goes).
    const ref = this.setRefDeg ?? A[startIdx]!;
    // Phases: the hold is the time near the top (within holdNearTopFrac of the ROM from the peak) between
    // the first and the last moment the segment is slower than a small fraction of the rep's peak speed;
    // concentric before it, eccentric after it.
    const n = endIdx - startIdx + 1;
    if (this.speed.length < n) this.speed = new Float64Array(Math.max(n, 2 * this.speed.length));
    const v = this.speed;
    centralSpeedDps(T, A, startIdx, endIdx, REP_TUNING.speedHalfWindowS, v);
    let vPeak = 0;
    for (let k = 0; k < n; k++) if (Math.abs(v[k]!) > vPeak) vPeak = Math.abs(v[k]!);
    const vHold = Math.max(REP_TUNING.holdSpeedMinDps, REP_TUNING.holdSpeedFrac * vPeak);
    const peakAbs = s * A[peakIdx]!;
    const nearTop = peakAbs - REP_TUNING.holdNearTopFrac * romDeg;
    let enterIdx = peakIdx;
    for (let i = startIdx; i <= peakIdx; i++) {
      if (s * A[i]! >= nearTop && Math.abs(v[i - startIdx]!) < vHold) {
        enterIdx = i;
        break;
      }
    }
    let leaveIdx = peakIdx;
    for (let i = endIdx; i >= peakIdx; i--) {
      if (s * A[i]! >= nearTop && Math.abs(v[i - startIdx]!) < vHold) {
        leaveIdx = i;
        break;
      }
    }
    let breakDeg: number | null = null;
    if (this.isNordic) {
      const b = computeBreakDeg(T, A, startIdx, peakIdx, s);
      if (b !== null) breakDeg = s * (b - ref);
    }
    const rep: RepEvent = {
      startS,
      endS,
      romDeg,
      peakDeg: s * (A[peakIdx]! - ref),
      concentricS: T[enterIdx]! - startS,
      eccentricS: endS - T[leaveIdx]!,
      holdS: T[leaveIdx]! - T[enterIdx]!,
      peakForceN: null,
    };
    if (this.isNordic) rep.breakDeg = breakDeg;
    const held = this.held;
    if (this.recentRoms.length === 0 && romDeg < REP_TUNING.provisionalDeg) {
      // A small first "rep": a fidget or the first of a low-amplitude set? The next rep decides. Two small
      // ones the same way and of a similar size are a low-amplitude set; otherwise the later one waits.
      const similar =
        held !== null &&
        held.sign === s &&
        held.romDeg >= REP_TUNING.countFracOfTypical * romDeg &&
        romDeg >= REP_TUNING.countFracOfTypical * held.romDeg;
      if (!similar) {
        this.held = { rep, romDeg, sign: s, refDeg: ref };
        return;
      }
    }
    if (held !== null) {
      this.held = null;
      if (held.sign === s && held.romDeg >= REP_TUNING.countFracOfTypical * romDeg)
        this.emit(held.rep, held.romDeg, held.sign, held.refDeg);
    }
    // In a rest nobody marked: a small movement long after the last rep and long before the next one.
    const isolationS = Math.max(
      REP_TUNING.isolationMinS,
      REP_TUNING.isolationPauses * median(this.recentPausesS),
    );
    const pending = this.isolated;
    if (pending !== null) {
      this.isolated = null;
      if (startS - pending.rep.endS <= isolationS)
        this.emit(pending.rep, pending.romDeg, pending.sign, pending.refDeg);
    }
    if (
      this.typicalDeg > 0 &&
      romDeg < REP_TUNING.isolatedFrac * this.typicalDeg &&
      startS - this.lastRepEndS > isolationS
    ) {
      this.isolated = { rep, romDeg, sign: s, refDeg: ref };
      return;
    }
    this.emit(rep, romDeg, s, ref);
  }

  private emit(rep: RepEvent, romDeg: number, sign: number, refDeg: number): void {
    const pause = rep.startS - this.lastRepEndS;
    if (pause >= 0 && pause < 60) {
      this.recentPausesS.push(pause);
      if (this.recentPausesS.length > REP_TUNING.typicalOf) this.recentPausesS.shift();
    }
    this.lastRepEndS = rep.endS;
    if (this.dir === 0) this.dir = sign;
    if (this.setRefDeg === null) this.setRefDeg = refDeg;
    this.recentConcentricS.push(rep.concentricS ?? 0);
    if (this.recentConcentricS.length > REP_TUNING.typicalOf) this.recentConcentricS.shift();
    this.events.push(rep);
    this.recentRoms.push(romDeg);
    if (this.recentRoms.length > REP_TUNING.typicalOf) this.recentRoms.shift();
    this.typicalDeg = median(this.recentRoms);
  }
}

function median(xs: readonly number[]): number {
  if (xs.length === 0) return 0;
  const s = xs.slice().sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}
