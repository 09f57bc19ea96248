import type { ImuBatch } from '@hamstream/core';
import type { AngleSeries, InclinationEstimator, InclinationOptions } from '../contracts.js';
import { symEigenvalues3, symEigenvector3 } from '../math/sym-eig3.js';

const R2D = 180 / Math.PI;
const D2R = Math.PI / 180;
const STANDARD_GRAVITY_MS2 = 9.80665;

/**
 * Tuning constants. Each is justified in packages/metrics/README.md; they are physical scales
 * (time constants, noise floors), not per-fixture fits.
 */
const TUNING = {
  /** Complementary filter time constant: long enough to average out segment accelerations over a rep. */
  fusionTauS: 1.0,
  /** Rotation rate about the axis at which the accelerometer's weight has halved, dps. */
  accTrustRotDps: 15,
  /** |acc| within this of gravity: accelerometer trusted fully. */
  accTrustFullMs2: 0.5,
  /** |acc| beyond this from gravity: accelerometer ignored. */
  accTrustNoneMs2: 2.5,
  /** Gravity's projection onto the movement plane below this fraction of g: the axis is near vertical. */
  minInPlaneGravityFrac: 0.35,
  /** Stillness: mean squared deviation of the (tremor-filtered) gyro around its short mean, dps². */
  stillGyroDev2: 2.0,
  /** The stillness variance is taken of the gyro low-passed with this time constant (s): physiological
   * tremor of a resting limb (8–12 Hz, a few °/s) is no movement; below ~50 Hz sampling it cannot be
   * filtered out (it aliases) and stillness is rarer. */
  stillTremorTauS: 0.05,
  /** Stillness: gyro magnitude after bias removal (a bias larger than this is not plausible). */
  stillGyroMaxDps: 6,
  /** Stillness: the accelerometer direction may not move more than this during a still run, rad. */
  stillAccDirRad: 1.0 * D2R,
  /** Stillness must last this long before the gyro bias is learned from it. */
  stillMinS: 0.4,
  /** Stillness: the short gyro mean may not move by more than this during a still run, dps. A slow rotation
   * about gravity is invisible to the accelerometer; it speeds up and slows down, the bias does not. */
  stillTrendDps: 0.75,
  /** A still run whose gyro mean is further than this from the known bias teaches the bias only after
   * stillLongS (a wrong bias is corrected, but a brief slow movement does not pass for one). */
  biasConsistentDps: 2,
  stillLongS: 1.5,
  /** A queued axis change is applied once the segment has been still this long, s. */
  quietS: 0.3,
  /** Time constant of the gyro-bias update while still. */
  biasTauS: 1.0,
  /** Short EMA time constants of the stillness detector (means; squared deviation). */
  stillEmaTauS: 0.25,
  stillDevTauS: 0.1,
  /** Samples rotating faster than this feed the movement-axis statistics. */
  motionDps: 5,
  /** Movement-axis statistics: short and long memories, in seconds of motion. */
  axisShortTauS: 3,
  axisLongTauS: 30,
  /** Rotation energy (∫|ω|² dt, deg²/s) needed before an axis is believed. */
  axisMinEnergy: 1500,
  /** After maxPendingS without a plane, a smaller planar motion (deg²/s) is enough for a provisional one. */
  axisMinEnergyProvisional: 25,
  /** Fraction of rotation energy about the principal axis for the motion to count as planar. */
  axisPlanarity: 0.75,
  /** A long-memory axis further than this from the current one replaces it (refinement). */
  axisRefineDeg: 3,
  /** A short-memory axis further than this from the current one, persistently, means a re-strap or new movement. */
  axisSwitchDeg: 25,
  axisSwitchPersistS: 1.5,
  /** How often the axis is re-evaluated, s of data. */
  axisCheckEveryS: 0.5,
  /** Without an axis after this much data, a provisional one is used so angles keep flowing. */
  maxPendingS: 10,
  /** A time step larger than this (or non-positive) restarts the stillness detector. */
  maxStepS: 0.25,
  /** A hole in the data longer than this restarts the fusion from the accelerometer. */
  maxBridgeS: 0.5,
  /** Gyro scale self-calibration: a pose is poseS of turning slower than poseDps about the axis with |a|
   * within poseAccMs2 of g (a hold or a pause: no tangential or centripetal acceleration, so the
   * accelerometer's angle is true). Between two poses at most poseMaxDtS and at least poseMinDeg apart, the
   * accelerometer's angle change over the gyro's is one sample of the gyro's scale about the axis; the
   * median of the last scaleOf samples, once there are scaleMinPairs (one odd pose is outvoted), rescales
   * the gyro about the axis (within scaleLimit), less scaleDeadband: the accelerometer is a reference only
   * to within its own sensitivity and offset errors (1–2 % of an angle change for a consumer MEMS part), so
   * a smaller disagreement is no evidence against the gyro. */
  poseS: 0.15,
  /** The first poseSettleS of a pose run are not used: the movement's last decelerating samples are slow
   * but still carry the segment's tangential acceleration (several degrees on the accelerometer). */
  poseSettleS: 0.1,
  poseDps: 2,
  poseAccMs2: 0.3,
  /** Per sample, a pose run continues while slower than poseGateDps and |a| within poseGateMs2 of g (loose:
   * noise and tremor must not break a hold apart; the run's means decide). */
  poseGateDps: 6,
  poseGateMs2: 1,
  poseMaxDtS: 8,
  poseMinDeg: 20,
  scaleMinPairs: 4,
  scaleDeadband: 0.02,
  scaleOf: 15,
  /** One pose pair's ratio outside 1 ± this is not a scale error (a pose was not really still). */
  poseRatioTol: 0.2,
  scaleLimit: 0.15,
} as const;

const STILL_ACC_DIR_COS = Math.cos(TUNING.stillAccDirRad);
const INV_STILL_EMA_TAU = 1 / TUNING.stillEmaTauS;
const INV_STILL_DEV_TAU = 1 / TUNING.stillDevTauS;
const INV_TREMOR_TAU = 1 / TUNING.stillTremorTauS;
const INV_FUSION_TAU = 1 / TUNING.fusionTauS;
const INV_ACC_TRUST_ROT = 1 / TUNING.accTrustRotDps;
const ACC_TRUST_SLOPE = 1 / (TUNING.accTrustNoneMs2 - TUNING.accTrustFullMs2);
const MOTION_DPS2 = TUNING.motionDps * TUNING.motionDps;
const STILL_TREND_DPS2 = TUNING.stillTrendDps * TUNING.stillTrendDps;
const POSE_GATE_DPS2 = TUNING.poseGateDps * TUNING.poseGateDps;
const BIAS_CONSISTENT_DPS2 = TUNING.biasConsistentDps * TUNING.biasConsistentDps;
/** Gyro mean (bias removed) allowed in a still run, dps: generous, the trend and accelerometer tests decide. */
const STILL_GYRO_MAX_DPS2 = 4 * TUNING.stillGyroMaxDps * TUNING.stillGyroMaxDps;

/** Internal per-sample record layout of the pending buffer. */
const PEND_STRIDE = 8; // t, ax, ay, az, gx, gy, gz, flags
const FLAG_HAS_ACC = 1;
const FLAG_HAS_GYRO = 2;

/**
 * Creates an inclination estimator. The returned AngleSeries' arrays are owned by the estimator and
 * are valid until the next `push`: copy them if you keep them.
 *
 * Angle convention: degrees of rotation about the movement axis, zero at the orientation where the
 * movement plane was first established, positive towards the first substantial excursion.
 */
export function createInclinationEstimator(opts: InclinationOptions): InclinationEstimator {
  return new Inclination(opts);
}

class Inclination implements InclinationEstimator {
  // Output (reused).
  private outT = new Float64Array(512);
  private outA = new Float64Array(512);
  private readonly out: AngleSeries = { count: 0, tS: this.outT, angleDeg: this.outA };

  // Samples waiting for a movement plane.
  private pend = new Float64Array(PEND_STRIDE * 1024);
  private pendCount = 0;

  // Gyro bias and stillness.
  // Hot per-sample state as scalar fields (cheaper than small typed arrays).
  private bx = 0;
  private by = 0;
  private bz = 0;
  private biasKnown = false;
  private gmx = 0;
  private gmy = 0;
  private gmz = 0;
  /** Gyro low-passed against tremor (stillness variance). */
  private glx = 0;
  private gly = 0;
  private glz = 0;
  private gDev2 = 1e9;
  private stillRunS = 0;
  private srx = 0;
  private sry = 0;
  private srz = 0;
  private amx = 0;
  private amy = 0;
  private amz = 0;
  private aMeanSet = false;
  private stillRefSet = false;
  /** Gyro mean at the start of the current still run (trend test). */
  private trendSet = false;
  private tgx = 0;
  private tgy = 0;
  private tgz = 0;
  private gRefMs2 = STANDARD_GRAVITY_MS2;
  private lastStatT = Number.NaN;
  private lastAx = 0;
  private lastAy = 0;
  private lastAz = 0;
  private readonly lastAcc = new Float64Array(3);
  private hasLastAcc = false;

  // Movement axis statistics ([xx,yy,zz,xy,xz,yz], ∫ωωᵀ dt over motion samples).
  private readonly mShort = new Float64Array(6);
  private readonly mLong = new Float64Array(6);
  private b0 = 0;
  private b1 = 0;
  private b2 = 0;
  private b3 = 0;
  private b4 = 0;
  private b5 = 0;
  private blkMotionS = 0;
  private nextAxisCheckT = Number.NEGATIVE_INFINITY;
  private switchCandidateSinceMotionS = -1;
  private motionS = 0;
  private readonly cand = new Float64Array(3);

  // Movement plane basis (sensor frame): n (axis), e1, e2 = n × e1.
  private hasPlane = false;
  private provisional = false;
  private provisionalFromMotion = false;
  /** The plane is a guess (any horizontal axis, no motion seen): the measured one replaces it at once. */
  private guessedPlane = false;
  private readonly n = new Float64Array(3);
  private readonly e1 = new Float64Array(3);
  private readonly e2 = new Float64Array(3);
  private nx = 0;
  private ny = 0;
  private nz = 0;
  private e1x = 0;
  private e1y = 0;
  private e1z = 0;
  private e2x = 0;
  private e2y = 0;
  private e2z = 0;
  /** Added to −atan2(a·e2, a·e1) to give the output angle. */
  private offsetDeg = 0;

  // Fusion state.
  private fused = false;
  private angleDeg = 0;
  private lastWn = 0;
  private lastT = Number.NaN;
  private firstDataT = Number.NaN;

  private readonly eig = new Float64Array(3);
  private readonly queuedAxis = new Float64Array(3);
  private axisQueued = false;
  private readonly quietAcc = new Float64Array(3);

  // Gyro scale self-calibration (see TUNING.pose*): integral of the gyro about the axis, the pose under way
  // (sums for its means), the last pose, the least-squares sums and the scale applied to the gyro.
  private gyroInt = 0;
  private gyroScale = 1;
  private poseRunS = 0;
  private poseN = 0;
  private poseSx = 0;
  private poseSy = 0;
  private poseSz = 0;
  private poseSg = 0;
  private poseSw = 0;
  private poseTaken = false;
  private poseValid = false;
  private posePhi = 0;
  private poseGyro = 0;
  private poseT = 0;
  private readonly scaleRatios: number[] = [];
  private readonly scaleScratch: number[] = [];

  constructor(readonly opts: InclinationOptions) {}

  push(batch: ImuBatch): AngleSeries {
    this.out.count = 0;
    const count = batch.count;
    if (count <= 0) return this.out;
    const acc = batch.accMs2;
    const gyro = batch.gyroDps;
    if (acc === null && gyro === null) return this.out;
    // One sample at a time through statistics, fusion and (on a data-time grid) the axis check, so the
    // result does not depend on how the samples were batched.
    // Room for every output this push can make: one per sample, plus the samples held while the plane was
    // unknown, which come out (all at once) when it is found. Typed arrays drop writes past their end.
    this.ensureOut(this.out.count + count + this.pendCount);
    const tS = batch.tS;
    for (let i = 0; i < count; i++) {
      // Steady state (plane known, both sensors, regular spacing) runs in a tight loop over locals.
      if (acc !== null && gyro !== null && this.hasPlane) {
        i = this.fastRange(tS, acc, gyro, i, count);
        if (i >= count) break;
      }
      const t = tS[i]!;
      if (!Number.isFinite(t)) continue;
      let ax = 0;
      let ay = 0;
      let az = 0;
      let gx = 0;
      let gy = 0;
      let gz = 0;
      let hasAcc = false;
      let hasGyro = false;
      // A sum is finite only if every term is (NaN and ±Infinity propagate).
      if (acc !== null) {
        ax = acc[3 * i]!;
        ay = acc[3 * i + 1]!;
        az = acc[3 * i + 2]!;
        hasAcc = Number.isFinite(ax + ay + az);
      }
      if (gyro !== null) {
        gx = gyro[3 * i]!;
        gy = gyro[3 * i + 1]!;
        gz = gyro[3 * i + 2]!;
        hasGyro = Number.isFinite(gx + gy + gz);
      }
      if (!hasAcc && !hasGyro) continue;
      const an = hasAcc ? Math.sqrt(ax * ax + ay * ay + az * az) : 0;
      this.updateStatistics(t, ax, ay, az, an, hasAcc, gx, gy, gz, hasGyro);
      if (this.hasPlane) this.fuseSample(t, ax, ay, az, an, hasAcc, gx, gy, gz, hasGyro);
      else this.appendPending(t, ax, ay, az, hasAcc, gx, gy, gz, hasGyro);
      if (t >= this.nextAxisCheckT) {
        this.nextAxisCheckT = (Math.floor(t / TUNING.axisCheckEveryS) + 1) * TUNING.axisCheckEveryS;
        this.checkAxis(t);
      }
    }
    return this.out;
  }

  /**
   * The per-sample work of updateStatistics + fuseSample for the common case, over locals: processes
   * samples from i0 while nothing unusual happens and returns the index of the first one it did not
   * process (the general path handles it). Same operations in the same order: identical results.
   */
  private fastRange(
    tS: Float64Array,
    acc: Float64Array,
    gyro: Float64Array,
    i0: number,
    count: number,
  ): number {
    if (
      !this.fused ||
      !this.aMeanSet ||
      this.gDev2 >= 1e8 ||
      this.axisQueued ||
      this.lastT !== this.lastStatT
    ) {
      return i0;
    }
    // Tuning constants as locals: property loads hoisted out of the loop.
    const T_accTrustFullMs2 = TUNING.accTrustFullMs2;
    const T_accTrustNoneMs2 = TUNING.accTrustNoneMs2;
    const T_biasTauS = TUNING.biasTauS;
    const T_maxStepS = TUNING.maxStepS;
    const T_minInPlaneGravityFrac = TUNING.minInPlaneGravityFrac;
    const T_stillDevTauS = TUNING.stillDevTauS;
    const T_stillEmaTauS = TUNING.stillEmaTauS;
    const T_stillTremorTauS = TUNING.stillTremorTauS;
    const T_stillGyroDev2 = TUNING.stillGyroDev2;
    const T_stillMinS = TUNING.stillMinS;
    const T_stillLongS = TUNING.stillLongS;
    const T_poseSettleS = TUNING.poseSettleS;
    const T_poseEndS = TUNING.poseSettleS + TUNING.poseS;
    const T_poseGateMs2 = TUNING.poseGateMs2;
    let lastT = this.lastT;
    let gmx = this.gmx;
    let gmy = this.gmy;
    let gmz = this.gmz;
    let glx = this.glx;
    let gly = this.gly;
    let glz = this.glz;
    let gDev2 = this.gDev2;
    let amx = this.amx;
    let amy = this.amy;
    let amz = this.amz;
    let bx = this.bx;
    let by = this.by;
    let bz = this.bz;
    let biasKnown = this.biasKnown;
    let gRef = this.gRefMs2;
    let stillRunS = this.stillRunS;
    let stillRefSet = this.stillRefSet;
    let trendSet = this.trendSet;
    let tgx = this.tgx;
    let tgy = this.tgy;
    let tgz = this.tgz;
    let srx = this.srx;
    let sry = this.sry;
    let srz = this.srz;
    let b0 = this.b0;
    let b1 = this.b1;
    let b2 = this.b2;
    let b3 = this.b3;
    let b4 = this.b4;
    let b5 = this.b5;
    let blkMotionS = this.blkMotionS;
    let angle = this.angleDeg;
    let lastWn = this.lastWn;
    let gyroInt = this.gyroInt;
    const gyroScale = this.gyroScale;
    let poseRunS = this.poseRunS;
    let poseN = this.poseN;
    let poseSx = this.poseSx;
    let poseSy = this.poseSy;
    let poseSz = this.poseSz;
    let poseSg = this.poseSg;
    let poseSw = this.poseSw;
    let poseTaken = this.poseTaken;
    let poseDue = false;
    const nx = this.nx;
    const ny = this.ny;
    const nz = this.nz;
    const e1x = this.e1x;
    const e1y = this.e1y;
    const e1z = this.e1z;
    const e2x = this.e2x;
    const e2y = this.e2y;
    const e2z = this.e2z;
    const offsetDeg = this.offsetDeg;
    const nextCheckT = this.nextAxisCheckT;
    const outT = this.outT;
    const outA = this.outA;
    let j = this.out.count;
    let i = i0;
    let ax = 0;
    let ay = 0;
    let az = 0;
    for (; i < count; i++) {
      const t = tS[i]!;
      const dt = t - lastT;
      if (!(dt > 0 && dt <= T_maxStepS) || !(t < nextCheckT)) break;
      ax = acc[3 * i]!;
      ay = acc[3 * i + 1]!;
      az = acc[3 * i + 2]!;
      const gx = gyro[3 * i]!;
      const gy = gyro[3 * i + 1]!;
      const gz = gyro[3 * i + 2]!;
      if (!Number.isFinite(ax + ay + az + gx + gy + gz)) break;
      const an = Math.sqrt(ax * ax + ay * ay + az * az);
      // --- statistics (updateStatistics) ---
      const k = dt >= T_stillEmaTauS ? 1 : dt * INV_STILL_EMA_TAU;
      const kl = dt >= T_stillTremorTauS ? 1 : dt * INV_TREMOR_TAU;
      glx += kl * (gx - glx);
      gly += kl * (gy - gly);
      glz += kl * (gz - glz);
      const dx = glx - gmx;
      const dy = gly - gmy;
      const dz = glz - gmz;
      gmx = gmx + k * dx;
      gmy = gmy + k * dy;
      gmz = gmz + k * dz;
      const dev2 = dx * dx + dy * dy + dz * dz;
      const kd = dt >= T_stillDevTauS ? 1 : dt * INV_STILL_DEV_TAU;
      gDev2 = gDev2 + kd * (dev2 - gDev2);
      const mx = gmx - bx;
      const my = gmy - by;
      const mz = gmz - bz;
      const m2 = mx * mx + my * my + mz * mz;
      let still = gDev2 < T_stillGyroDev2 && m2 < STILL_GYRO_MAX_DPS2;
      amx += k * (ax - amx);
      amy += k * (ay - amy);
      amz += k * (az - amz);
      if (still) {
        const amn = Math.sqrt(amx * amx + amy * amy + amz * amz);
        if (Math.abs(amn - gRef) > 1.0) still = false;
        else if (!stillRefSet) {
          srx = amx / amn;
          sry = amy / amn;
          srz = amz / amn;
          stillRefSet = true;
        } else if ((amx * srx + amy * sry + amz * srz) / amn < STILL_ACC_DIR_COS) {
          still = false;
        }
      }
      if (still) {
        if (!trendSet) {
          tgx = gmx;
          tgy = gmy;
          tgz = gmz;
          trendSet = true;
        } else {
          const ux = gmx - tgx;
          const uy = gmy - tgy;
          const uz = gmz - tgz;
          if (ux * ux + uy * uy + uz * uz > STILL_TREND_DPS2) still = false;
        }
      }
      const wx = gx - bx;
      const wy = gy - by;
      const wz = gz - bz;
      if (still) {
        stillRunS += dt;
        if (stillRunS >= (biasKnown && m2 > BIAS_CONSISTENT_DPS2 ? T_stillLongS : T_stillMinS)) {
          const kb = biasKnown ? Math.min(1, dt / T_biasTauS) : 1;
          bx = bx + kb * mx;
          by = by + kb * my;
          bz = bz + kb * mz;
          biasKnown = true;
          gRef += Math.min(1, dt / 5) * (an - gRef);
        }
      } else {
        stillRunS = 0;
        stillRefSet = false;
        trendSet = false;
      }
      if (wx * wx + wy * wy + wz * wz > MOTION_DPS2) {
        b0 += wx * wx * dt;
        b1 += wy * wy * dt;
        b2 += wz * wz * dt;
        b3 += wx * wy * dt;
        b4 += wx * wz * dt;
        b5 += wy * wz * dt;
        blkMotionS += dt;
      }
      // --- fusion (fuseSample, fused and a regular step) ---
      lastT = t;
      const wn = (gx - bx) * nx + (gy - by) * ny + (gz - bz) * nz;
      const dyn = an > gRef ? an - gRef : gRef - an;
      let weight =
        dyn <= T_accTrustFullMs2
          ? 1
          : dyn >= T_accTrustNoneMs2
            ? 0
            : (T_accTrustNoneMs2 - dyn) * ACC_TRUST_SLOPE;
      const q = wn * INV_ACC_TRUST_ROT;
      weight /= 1 + q * q;
      const inc = 0.5 * (wn + lastWn) * dt;
      gyroInt += inc;
      let pred = angle + inc * gyroScale;
      lastWn = wn;
      if (weight > 0 && weight * dt * INV_FUSION_TAU > 1e-6) {
        const c = ax * e1x + ay * e1y + az * e1z;
        const s = ax * e2x + ay * e2y + az * e2z;
        const minIn = T_minInPlaneGravityFrac * gRef;
        if (c * c + s * s > minIn * minIn) {
          let diff = offsetDeg - Math.atan2(s, c) * R2D - pred;
          if (diff > 180 || diff < -180) diff -= 360 * Math.round(diff / 360);
          pred += Math.min(1, dt * INV_FUSION_TAU * weight) * diff;
        }
      }
      angle = pred;
      outT[j] = t;
      outA[j] = angle;
      j++;
      // --- pose for the gyro scale (poseStep) ---
      if (wn * wn < POSE_GATE_DPS2 && dyn < T_poseGateMs2 && biasKnown) {
        poseRunS += dt;
        if (poseRunS > T_poseSettleS) {
          poseN++;
          poseSx += ax;
          poseSy += ay;
          poseSz += az;
          poseSg += gyroInt;
          poseSw += wn;
        }
        if (!poseTaken && poseRunS >= T_poseEndS) {
          // Handled below, out of the loop (a few times per rep).
          poseDue = true;
          i++;
          break;
        }
      } else if (poseRunS > 0) {
        poseRunS = 0;
        poseN = 0;
        poseSx = 0;
        poseSy = 0;
        poseSz = 0;
        poseSg = 0;
        poseSw = 0;
        poseTaken = false;
      }
    }
    if (i > i0) {
      this.lastAx = acc[3 * (i - 1)]!;
      this.lastAy = acc[3 * (i - 1) + 1]!;
      this.lastAz = acc[3 * (i - 1) + 2]!;
      this.hasLastAcc = true;
      this.firstDataT = Number.isNaN(this.firstDataT) ? tS[i0]! : this.firstDataT;
    }
    this.lastT = lastT;
    this.lastStatT = lastT;
    this.gmx = gmx;
    this.gmy = gmy;
    this.gmz = gmz;
    this.glx = glx;
    this.gly = gly;
    this.glz = glz;
    this.gDev2 = gDev2;
    this.amx = amx;
    this.amy = amy;
    this.amz = amz;
    this.bx = bx;
    this.by = by;
    this.bz = bz;
    this.biasKnown = biasKnown;
    this.gRefMs2 = gRef;
    this.stillRunS = stillRunS;
    this.stillRefSet = stillRefSet;
    this.trendSet = trendSet;
    this.tgx = tgx;
    this.tgy = tgy;
    this.tgz = tgz;
    this.srx = srx;
    this.sry = sry;
    this.srz = srz;
    this.b0 = b0;
    this.b1 = b1;
    this.b2 = b2;
    this.b3 = b3;
    this.b4 = b4;
    this.b5 = b5;
    this.blkMotionS = blkMotionS;
    this.angleDeg = angle;
    this.lastWn = lastWn;
    this.gyroInt = gyroInt;
    this.poseRunS = poseRunS;
    this.poseN = poseN;
    this.poseSx = poseSx;
    this.poseSy = poseSy;
    this.poseSz = poseSz;
    this.poseSg = poseSg;
    this.poseSw = poseSw;
    this.poseTaken = poseTaken;
    this.out.count = j;
    if (poseDue) this.capturePose(lastT);
    return i;
  }

  /**
   * One sample of the pose detector (fused, regular step, both sensors): see TUNING.pose*.
   */
  private poseStep(t: number, ax: number, ay: number, az: number, an: number, wn: number, dt: number): void {
    const dyn = an > this.gRefMs2 ? an - this.gRefMs2 : this.gRefMs2 - an;
    if (wn * wn < POSE_GATE_DPS2 && dyn < TUNING.poseGateMs2 && this.biasKnown) {
      this.poseRunS += dt;
      if (this.poseRunS > TUNING.poseSettleS) {
        this.poseN++;
        this.poseSx += ax;
        this.poseSy += ay;
        this.poseSz += az;
        this.poseSg += this.gyroInt;
        this.poseSw += wn;
      }
      if (!this.poseTaken && this.poseRunS >= TUNING.poseSettleS + TUNING.poseS) this.capturePose(t);
    } else if (this.poseRunS > 0) this.endPoseRun();
  }

  private endPoseRun(): void {
    this.poseRunS = 0;
    this.poseN = 0;
    this.poseSx = 0;
    this.poseSy = 0;
    this.poseSz = 0;
    this.poseSg = 0;
    this.poseSw = 0;
    this.poseTaken = false;
  }

  /**
   * A still pose (see TUNING.pose*): the accelerometer's angle in the plane (low-passed) and the gyro
   * integral; with the previous pose it gives one sample of the gyro's scale about the axis.
   */
  private capturePose(t: number): void {
    this.poseTaken = true;
    const n = this.poseN;
    if (n === 0) return;
    const amx = this.poseSx / n;
    const amy = this.poseSy / n;
    const amz = this.poseSz / n;
    const gyroAtPose = this.poseSg / n;
    const meanWn = this.poseSw / n;
    const amn = Math.sqrt(amx * amx + amy * amy + amz * amz);
    const c = amx * this.e1x + amy * this.e1y + amz * this.e1z;
    const s = amx * this.e2x + amy * this.e2y + amz * this.e2z;
    const minIn = TUNING.minInPlaneGravityFrac * this.gRefMs2;
    if (
      Math.abs(meanWn) > TUNING.poseDps ||
      Math.abs(amn - this.gRefMs2) > TUNING.poseAccMs2 ||
      c * c + s * s <= minIn * minIn
    ) {
      this.poseValid = false;
      return;
    }
    const phi = -Math.atan2(s, c) * R2D;
    if (this.poseValid && t - this.poseT <= TUNING.poseMaxDtS) {
      let dAcc = phi - this.posePhi;
      if (dAcc > 180 || dAcc < -180) dAcc -= 360 * Math.round(dAcc / 360);
      const dGyro = gyroAtPose - this.poseGyro;
      const ratio = dAcc / dGyro;
      if (Math.abs(dAcc) >= TUNING.poseMinDeg && Math.abs(ratio - 1) <= TUNING.poseRatioTol) {
        const rs = this.scaleRatios;
        rs.push(ratio);
        if (rs.length > TUNING.scaleOf) rs.shift();
        if (rs.length >= TUNING.scaleMinPairs) {
          const e = medianOf(rs, this.scaleScratch) - 1;
          const shrunk = Math.sign(e) * Math.max(0, Math.abs(e) - TUNING.scaleDeadband);
          this.gyroScale = 1 + Math.max(-TUNING.scaleLimit, Math.min(TUNING.scaleLimit, shrunk));
        }
      }
    }
    this.posePhi = phi;
    this.poseGyro = gyroAtPose;
    this.poseT = t;
    this.poseValid = true;
  }

  /**
   * After a gap: the next sample is taken as following a hole. Holes up to maxBridgeS are bridged with the
   * gyro; longer ones restart the fusion from the accelerometer (decided from the data's own time step, so
   * a reset never changes the result of gap-free data). Plane, bias and statistics are kept.
   */
  reset(): void {
    this.stillRunS = 0;
    this.stillRefSet = false;
    this.trendSet = false;
    this.endPoseRun();
    this.poseValid = false;
    this.gDev2 = 1e9;
    this.aMeanSet = false;
  }

  // ---- stage 1: stillness, gyro bias, movement-axis statistics -------------------------------

  private updateStatistics(
    t: number,
    ax: number,
    ay: number,
    az: number,
    an: number,
    accOk: boolean,
    gx: number,
    gy: number,
    gz: number,
    gyroOk: boolean,
  ): void {
    if (Number.isNaN(this.firstDataT)) this.firstDataT = t;
    if (accOk) {
      this.lastAx = ax;
      this.lastAy = ay;
      this.lastAz = az;
      this.hasLastAcc = true;
    }
    if (!gyroOk) return;
    let dt = t - this.lastStatT;
    this.lastStatT = t;
    if (!(dt > 0 && dt <= TUNING.maxStepS)) {
      dt = 0;
      this.stillRunS = 0;
      this.stillRefSet = false;
      this.trendSet = false;
      this.endPoseRun();
      this.poseValid = false;
      this.gmx = gx;
      this.gmy = gy;
      this.gmz = gz;
      this.glx = gx;
      this.gly = gy;
      this.glz = gz;
      this.gDev2 = 1e9;
      this.aMeanSet = false;
      return;
    }
    // Stillness detector: short EMA of the gyro and of its squared deviation.
    const k = dt >= TUNING.stillEmaTauS ? 1 : dt * INV_STILL_EMA_TAU;
    const kl = dt >= TUNING.stillTremorTauS ? 1 : dt * INV_TREMOR_TAU;
    const glx = this.glx + kl * (gx - this.glx);
    const gly = this.gly + kl * (gy - this.gly);
    const glz = this.glz + kl * (gz - this.glz);
    this.glx = glx;
    this.gly = gly;
    this.glz = glz;
    const dx = glx - this.gmx;
    const dy = gly - this.gmy;
    const dz = glz - this.gmz;
    const gmx = this.gmx + k * dx;
    const gmy = this.gmy + k * dy;
    const gmz = this.gmz + k * dz;
    this.gmx = gmx;
    this.gmy = gmy;
    this.gmz = gmz;
    const dev2 = dx * dx + dy * dy + dz * dz;
    const kd = dt >= TUNING.stillDevTauS ? 1 : dt * INV_STILL_DEV_TAU;
    const gDev2 = this.gDev2 >= 1e8 ? dev2 : this.gDev2 + kd * (dev2 - this.gDev2);
    this.gDev2 = gDev2;
    const bx = this.bx;
    const by = this.by;
    const bz = this.bz;
    const mx = gmx - bx;
    const my = gmy - by;
    const mz = gmz - bz;
    const m2 = mx * mx + my * my + mz * mz;
    let still = gDev2 < TUNING.stillGyroDev2 && m2 < STILL_GYRO_MAX_DPS2;
    if (accOk) {
      // Low-passed accelerometer: its direction must hold still too (a slow, steady rotation fools the gyro test).
      if (!this.aMeanSet) {
        this.amx = ax;
        this.amy = ay;
        this.amz = az;
        this.aMeanSet = true;
      } else {
        this.amx += k * (ax - this.amx);
        this.amy += k * (ay - this.amy);
        this.amz += k * (az - this.amz);
      }
      if (still) {
        const amx = this.amx;
        const amy = this.amy;
        const amz = this.amz;
        const amn = Math.sqrt(amx * amx + amy * amy + amz * amz);
        if (Math.abs(amn - this.gRefMs2) > 1.0) still = false;
        else if (!this.stillRefSet) {
          this.srx = amx / amn;
          this.sry = amy / amn;
          this.srz = amz / amn;
          this.stillRefSet = true;
        } else if ((amx * this.srx + amy * this.sry + amz * this.srz) / amn < STILL_ACC_DIR_COS) {
          still = false;
        }
      }
    }
    if (still) {
      if (!this.trendSet) {
        this.tgx = gmx;
        this.tgy = gmy;
        this.tgz = gmz;
        this.trendSet = true;
      } else {
        const ux = gmx - this.tgx;
        const uy = gmy - this.tgy;
        const uz = gmz - this.tgz;
        if (ux * ux + uy * uy + uz * uz > STILL_TREND_DPS2) still = false;
      }
    }
    if (still) {
      this.stillRunS += dt;
      const needS = this.biasKnown && m2 > BIAS_CONSISTENT_DPS2 ? TUNING.stillLongS : TUNING.stillMinS;
      if (this.stillRunS >= needS) {
        const kb = this.biasKnown ? Math.min(1, dt / TUNING.biasTauS) : 1;
        this.bx = bx + kb * mx;
        this.by = by + kb * my;
        this.bz = bz + kb * mz;
        this.biasKnown = true;
        if (accOk) this.gRefMs2 += Math.min(1, dt / 5) * (an - this.gRefMs2);
      }
    } else {
      this.stillRunS = 0;
      this.stillRefSet = false;
      this.trendSet = false;
    }
    const wx = gx - bx;
    const wy = gy - by;
    const wz = gz - bz;
    if (wx * wx + wy * wy + wz * wz > MOTION_DPS2) {
      this.b0 += wx * wx * dt;
      this.b1 += wy * wy * dt;
      this.b2 += wz * wz * dt;
      this.b3 += wx * wy * dt;
      this.b4 += wx * wz * dt;
      this.b5 += wy * wz * dt;
      this.blkMotionS += dt;
    }
  }

  // ---- axis management ------------------------------------------------------------------------

  private foldBlock(): void {
    const blkS = this.blkMotionS;
    if (blkS <= 0) return;
    const ds = Math.exp(-blkS / TUNING.axisShortTauS);
    const dl = Math.exp(-blkS / TUNING.axisLongTauS);
    const ms = this.mShort;
    const ml = this.mLong;
    ms[0] = ms[0]! * ds + this.b0;
    ms[1] = ms[1]! * ds + this.b1;
    ms[2] = ms[2]! * ds + this.b2;
    ms[3] = ms[3]! * ds + this.b3;
    ms[4] = ms[4]! * ds + this.b4;
    ms[5] = ms[5]! * ds + this.b5;
    ml[0] = ml[0]! * dl + this.b0;
    ml[1] = ml[1]! * dl + this.b1;
    ml[2] = ml[2]! * dl + this.b2;
    ml[3] = ml[3]! * dl + this.b3;
    ml[4] = ml[4]! * dl + this.b4;
    ml[5] = ml[5]! * dl + this.b5;
    this.b0 = 0;
    this.b1 = 0;
    this.b2 = 0;
    this.b3 = 0;
    this.b4 = 0;
    this.b5 = 0;
    this.motionS += blkS;
    this.blkMotionS = 0;
  }

  /** Principal axis of `m` into this.cand if the motion is energetic and planar enough. */
  private principal(m: Float64Array, minEnergy: number = TUNING.axisMinEnergy): boolean {
    const tr = m[0]! + m[1]! + m[2]!;
    if (!(tr >= minEnergy)) return false;
    symEigenvalues3(m, this.eig);
    const l1 = this.eig[0]!;
    if (l1 < TUNING.axisPlanarity * tr) return false;
    return symEigenvector3(m, l1, this.cand);
  }

  private checkAxis(lastT: number): void {
    this.foldBlock();
    if (!this.hasPlane || this.provisional) {
      if (this.principal(this.mLong)) {
        this.establish(this.cand, false);
      } else if (!this.hasPlane && lastT - this.firstDataT >= TUNING.maxPendingS) {
        this.establishProvisional();
      } else if (
        this.hasPlane &&
        !this.provisionalFromMotion &&
        this.principal(this.mLong, TUNING.axisMinEnergyProvisional)
      ) {
        // Small movements at last (e.g. the give of a strap under load): better than any horizontal axis.
        this.provisionalFromMotion = true;
        this.queuePlane(this.cand);
      }
      return;
    }
    // Re-strap or a new movement: the short-memory axis stays far from the current one.
    if (this.principal(this.mShort)) {
      const c = Math.abs(dot(this.cand, this.n));
      if (c < Math.cos(TUNING.axisSwitchDeg * D2R)) {
        if (this.switchCandidateSinceMotionS < 0) this.switchCandidateSinceMotionS = this.motionS;
        else if (this.motionS - this.switchCandidateSinceMotionS >= TUNING.axisSwitchPersistS) {
          this.mLong.set(this.mShort);
          // Another axis (re-strap, other movement): per-axis scale errors make it another scale.
          this.scaleRatios.length = 0;
          this.gyroScale = 1;
          this.switchCandidateSinceMotionS = -1;
          this.queuePlane(this.cand);
          return;
        }
      } else {
        this.switchCandidateSinceMotionS = -1;
      }
    }
    if (this.principal(this.mLong)) {
      const c = Math.abs(dot(this.cand, this.n));
      if (c < Math.cos(TUNING.axisRefineDeg * D2R)) this.queuePlane(this.cand);
    }
  }

  /**
   * A new axis is applied at the next quiet sample (slow rotation, accelerometer trusted), where the
   * accelerometer angle in the new plane is reliable enough to keep the output continuous.
   */
  private queuePlane(axis: Float64Array): void {
    this.queuedAxis.set(axis);
    this.axisQueued = true;
  }

  /** The latest accelerometer sample as a vector (axis management is not per sample). */
  private latestAcc(): Float64Array | null {
    if (!this.hasLastAcc) return null;
    this.lastAcc[0] = this.lastAx;
    this.lastAcc[1] = this.lastAy;
    this.lastAcc[2] = this.lastAz;
    return this.lastAcc;
  }

  private establishProvisional(): void {
    // No planar motion yet: any horizontal axis gives a constant angle for a still segment.
    const g = this.latestAcc() ?? new Float64Array([0, 0, 1]);
    const axis = new Float64Array(3);
    if (!this.principal(this.mLong, TUNING.axisMinEnergyProvisional)) {
      perpendicularTo(g, axis);
      this.guessedPlane = true;
    } else {
      axis.set(this.cand);
      this.provisionalFromMotion = true;
    }
    this.establish(axis, true);
  }

  /** First plane: process pending samples with it, choose the sign from the data. */
  private establish(axis: Float64Array, provisional: boolean): void {
    if (this.hasPlane) {
      // Provisional plane being replaced by a measured one.
      this.provisional = provisional;
      this.queuePlane(axis);
      return;
    }
    this.hasPlane = true;
    this.provisional = provisional;
    this.n.set(axis);
    this.setBasis(this.pendCount > 0 ? this.pendAcc(0) : this.latestAcc());
    this.offsetDeg = 0;
    this.fused = false;
    const start = this.out.count;
    this.flushPending();
    // Sign: the first substantial excursion from the starting orientation is positive.
    const a = this.outA;
    let maxPos = 0;
    let maxNeg = 0;
    const a0 = this.out.count > start ? a[start]! : 0;
    for (let i = start; i < this.out.count; i++) {
      const d = a[i]! - a0;
      if (d > maxPos) maxPos = d;
      if (-d > maxNeg) maxNeg = -d;
      if (maxPos >= 20 || maxNeg >= 20) break;
    }
    if (maxNeg > maxPos) {
      for (let i = start; i < this.out.count; i++) a[i] = -a[i]!;
      this.n[0] = -this.n[0]!;
      this.n[1] = -this.n[1]!;
      this.n[2] = -this.n[2]!;
      this.e2[0] = -this.e2[0]!;
      this.e2[1] = -this.e2[1]!;
      this.e2[2] = -this.e2[2]!;
      this.syncPlane();
      this.offsetDeg = -this.offsetDeg;
      this.angleDeg = -this.angleDeg;
      this.lastWn = -this.lastWn;
      this.poseValid = false;
    }
  }

  /** Switches to a new axis keeping the output angle continuous (acc: a quiet sample's accelerometer). */
  private replacePlane(axis: Float64Array, acc: Float64Array | null): void {
    const sign = dot(axis, this.n) >= 0 ? 1 : -1;
    this.n[0] = sign * axis[0]!;
    this.n[1] = sign * axis[1]!;
    this.n[2] = sign * axis[2]!;
    const prevAngle = this.angleDeg;
    this.setBasis(acc);
    if (this.fused && acc !== null) {
      // New offset so that the accelerometer angle in the new plane equals the current output.
      this.offsetDeg = prevAngle + this.accPhiDeg(acc[0]!, acc[1]!, acc[2]!);
      this.angleDeg = prevAngle;
    }
  }

  private setBasis(gravity: Float64Array | null): void {
    this.poseValid = false; // poses are angles in the old plane
    const n = this.n;
    const e1 = this.e1;
    if (gravity !== null) {
      const d = dot(gravity, n);
      e1[0] = gravity[0]! - d * n[0]!;
      e1[1] = gravity[1]! - d * n[1]!;
      e1[2] = gravity[2]! - d * n[2]!;
    }
    let len = Math.hypot(e1[0]!, e1[1]!, e1[2]!);
    if (gravity === null || len < 1e-6 * (Math.hypot(gravity[0]!, gravity[1]!, gravity[2]!) + 1e-12)) {
      perpendicularTo(n, e1);
      len = 1;
    }
    e1[0] = e1[0]! / len;
    e1[1] = e1[1]! / len;
    e1[2] = e1[2]! / len;
    const e2 = this.e2;
    e2[0] = n[1]! * e1[2]! - n[2]! * e1[1]!;
    e2[1] = n[2]! * e1[0]! - n[0]! * e1[2]!;
    e2[2] = n[0]! * e1[1]! - n[1]! * e1[0]!;
    this.syncPlane();
  }

  private accPhiDeg(ax: number, ay: number, az: number): number {
    const c = ax * this.e1[0]! + ay * this.e1[1]! + az * this.e1[2]!;
    const s = ax * this.e2[0]! + ay * this.e2[1]! + az * this.e2[2]!;
    return Math.atan2(s, c) * R2D;
  }

  // ---- pending buffer -------------------------------------------------------------------------

  private pendAcc(i: number): Float64Array | null {
    const p = this.pend;
    const o = i * PEND_STRIDE;
    if ((p[o + 7]! & FLAG_HAS_ACC) === 0) return null;
    return p.subarray(o + 1, o + 4);
  }

  private appendPending(
    t: number,
    ax: number,
    ay: number,
    az: number,
    hasAcc: boolean,
    gx: number,
    gy: number,
    gz: number,
    hasGyro: boolean,
  ): void {
    const o = this.pendCount * PEND_STRIDE;
    if (o + PEND_STRIDE > this.pend.length) {
      const next = new Float64Array(this.pend.length * 2);
      next.set(this.pend);
      this.pend = next;
    }
    const p = this.pend;
    p[o] = t;
    p[o + 1] = ax;
    p[o + 2] = ay;
    p[o + 3] = az;
    p[o + 4] = gx;
    p[o + 5] = gy;
    p[o + 6] = gz;
    p[o + 7] = (hasAcc ? FLAG_HAS_ACC : 0) | (hasGyro ? FLAG_HAS_GYRO : 0);
    this.pendCount++;
  }

  private flushPending(): void {
    const p = this.pend;
    this.ensureOut(this.out.count + this.pendCount);
    for (let i = 0; i < this.pendCount; i++) {
      const o = i * PEND_STRIDE;
      const flags = p[o + 7]!;
      const hasAcc = (flags & FLAG_HAS_ACC) !== 0;
      const ax = p[o + 1]!;
      const ay = p[o + 2]!;
      const az = p[o + 3]!;
      this.fuseSample(
        p[o]!,
        ax,
        ay,
        az,
        hasAcc ? Math.sqrt(ax * ax + ay * ay + az * az) : 0,
        hasAcc,
        p[o + 4]!,
        p[o + 5]!,
        p[o + 6]!,
        (flags & FLAG_HAS_GYRO) !== 0,
      );
    }
    this.pendCount = 0;
  }

  // ---- stage 2: fusion ------------------------------------------------------------------------

  private ensureOut(n: number): void {
    if (n <= this.outT.length) return;
    let cap = this.outT.length;
    while (cap < n) cap *= 2;
    const t = new Float64Array(cap);
    const a = new Float64Array(cap);
    t.set(this.outT.subarray(0, this.out.count));
    a.set(this.outA.subarray(0, this.out.count));
    this.outT = t;
    this.outA = a;
    this.out.tS = t;
    this.out.angleDeg = a;
  }

  private fuseSample(
    t: number,
    ax: number,
    ay: number,
    az: number,
    an: number,
    hasAcc: boolean,
    gx: number,
    gy: number,
    gz: number,
    hasGyro: boolean,
  ): void {
    const dt = t - this.lastT;
    if (!(dt > 0) && this.fused) return; // time going backwards: drop rather than corrupt the state
    this.lastT = t;
    // Holes up to maxBridgeS (lost packets) are bridged by the trapezoid between the gyro rates on either
    // side; re-initialising from the accelerometer mid-movement would inject its dynamic error instead.
    const stepOk = dt > 0 && dt <= TUNING.maxBridgeS;
    const wn = hasGyro ? (gx - this.bx) * this.nx + (gy - this.by) * this.ny + (gz - this.bz) * this.nz : 0;
    // Accelerometer weight: full near 1 g, none beyond accTrustNoneMs2 of dynamics; less while rotating
    // (a rotating segment's sensor feels tangential and centripetal acceleration).
    let weight = 0;
    if (hasAcc) {
      const dyn = an > this.gRefMs2 ? an - this.gRefMs2 : this.gRefMs2 - an;
      weight =
        dyn <= TUNING.accTrustFullMs2
          ? 1
          : dyn >= TUNING.accTrustNoneMs2
            ? 0
            : (TUNING.accTrustNoneMs2 - dyn) * ACC_TRUST_SLOPE;
    }
    if (hasGyro && stepOk && this.fused) {
      const q = wn * INV_ACC_TRUST_ROT;
      weight /= 1 + q * q;
    }
    const needAcc =
      weight > 0 && (!this.fused || !stepOk || (hasGyro ? weight * dt * INV_FUSION_TAU > 1e-6 : true));
    let measDeg = 0;
    if (needAcc) {
      const c = ax * this.e1x + ay * this.e1y + az * this.e1z;
      const s = ax * this.e2x + ay * this.e2y + az * this.e2z;
      const minIn = TUNING.minInPlaneGravityFrac * this.gRefMs2;
      if (c * c + s * s > minIn * minIn) measDeg = this.offsetDeg - Math.atan2(s, c) * R2D;
      else weight = 0;
    } else weight = 0;
    if (!this.fused || !stepOk) {
      this.poseValid = false; // the gyro integral does not cover the hole
      if (this.poseRunS > 0) this.endPoseRun();
      this.lastWn = wn;
      if (weight > 0) {
        this.angleDeg = measDeg;
        this.fused = true;
      } else if (!this.fused) {
        if (!hasGyro) return;
        this.fused = true; // gyro only: integrate from the last known angle
      }
    } else {
      let pred = this.angleDeg;
      if (hasGyro) {
        // Trapezoidal integration: exact for piecewise-linear rates, matters at 25 Hz.
        const inc = 0.5 * (wn + this.lastWn) * dt;
        this.gyroInt += inc;
        pred += inc * this.gyroScale;
        this.lastWn = wn;
      }
      if (weight > 0) {
        let diff = measDeg - pred;
        if (diff > 180 || diff < -180) diff -= 360 * Math.round(diff / 360);
        const k = hasGyro ? Math.min(1, dt * INV_FUSION_TAU * weight) : Math.min(1, weight * 0.5);
        pred += k * diff;
      }
      this.angleDeg = pred;
      if (hasGyro && hasAcc) this.poseStep(t, ax, ay, az, an, wn, dt);
      else if (this.poseRunS > 0) this.endPoseRun();
    }
    // A queued axis waits for a quiet moment (the accelerometer angle in the new plane keeps the output
    // continuous); a guessed plane's output means nothing, so the measured one replaces it at once.
    if (
      this.axisQueued &&
      hasAcc &&
      (this.stillRunS >= TUNING.quietS ||
        (this.guessedPlane && Math.abs(an - this.gRefMs2) <= TUNING.accTrustFullMs2))
    ) {
      this.guessedPlane = false;
      this.quietAcc[0] = ax;
      this.quietAcc[1] = ay;
      this.quietAcc[2] = az;
      this.axisQueued = false;
      this.replacePlane(this.queuedAxis, this.quietAcc);
    }
    const j = this.out.count;
    this.outT[j] = t;
    this.outA[j] = this.angleDeg;
    this.out.count = j + 1;
  }

  /** Copies the plane basis into the scalar fields the per-sample code reads. */
  private syncPlane(): void {
    this.nx = this.n[0]!;
    this.ny = this.n[1]!;
    this.nz = this.n[2]!;
    this.e1x = this.e1[0]!;
    this.e1y = this.e1[1]!;
    this.e1z = this.e1[2]!;
    this.e2x = this.e2[0]!;
    this.e2y = this.e2[1]!;
    this.e2z = this.e2[2]!;
  }
}

/** Median of xs (sorted into scratch; xs is left as it is). */
function medianOf(xs: readonly number[], scratch: number[]): number {
  scratch.length = 0;
  for (const x of xs) scratch.push(x);
  scratch.sort((a, b) => a - b);
  const m = scratch.length >> 1;
  return scratch.length % 2 === 1 ? scratch[m]! : 0.5 * (scratch[m - 1]! + scratch[m]!);
}

function dot(a: Float64Array, b: Float64Array): number {
  return a[0]! * b[0]! + a[1]! * b[1]! + a[2]! * b[2]!;
}

/** A unit vector perpendicular to v. */
function perpendicularTo(v: Float64Array, out: Float64Array): void {
  const x = Math.abs(v[0]!);
  const y = Math.abs(v[1]!);
  const z = Math.abs(v[2]!);
  // Cross with the basis vector least aligned with v.
  let ux = 0;
  let uy = 0;
  let uz = 0;
  if (x <= y && x <= z) {
    ux = 0;
    uy = -v[2]!;
    uz = v[1]!;
  } else if (y <= z) {
    ux = v[2]!;
    uy = 0;
    uz = -v[0]!;
  } else {
    ux = -v[1]!;
    uy = v[0]!;
    uz = 0;
  }
  const len = Math.hypot(ux, uy, uz) || 1;
  out[0] = ux / len;
  out[1] = uy / len;
  out[2] = uz / len;
}
