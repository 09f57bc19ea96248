import type { Activity, DeviceInfo, Placement, Side } from '@hamstream/core';
import type { DataKind, SetRole } from '../types.js';

/** Gait activities: cadence, no reps. `walk` (imported walking data) is treated like `run`. */
export const GAIT_ACTIVITIES: ReadonlySet<string> = new Set(['run', 'walk']);

/**
 * Segments whose inclination shows the reps of each activity. A device elsewhere on the body sees
 * the movement only second-hand (a chest strap during a hamstring curl), so it makes no set.
 */
const REP_SEGMENTS: Readonly<Record<string, readonly Placement[]>> = {
  bridge: ['thigh', 'pelvis'],
  'single-leg-bridge': ['thigh', 'pelvis'],
  'prone-hamstring-curl': ['shank', 'foot'],
  'standing-hamstring-curl': ['shank', 'foot'],
  // The body pivots about the knees as one piece: thigh, pelvis and trunk all incline together.
  'nordic-curl': ['thigh', 'pelvis', 'chest'],
  'supine-hamstring-stretch': ['thigh', 'shank', 'foot'],
};

/** Isometric tests: the gauge measures the effort; a sensor on the loaded limb shows how still it stayed. */
const ISOMETRIC_ACTIVITIES: ReadonlySet<string> = new Set(['isometric-hamstring']);
const ISOMETRIC_SEGMENTS: readonly Placement[] = ['shank', 'thigh', 'foot'];

/** Unknown activities (imported exercises) are generic repeated limb movements. */
const GENERIC_REP_SEGMENTS: readonly Placement[] = ['thigh', 'shank', 'foot', 'wrist'];

/**
 * Whether a device makes a set in a period of `activity` (done on `side`, from the mark), and what
 * the set measures.
 * - gait periods: every IMU or cadence sensor → cadence (listed with repCount 0);
 * - force sensors (force data) → force efforts in every other activity;
 * - IMUs in isometric tests, on the loaded limb → `isometric` (reps = the gauge's efforts);
 * - IMUs → reps when on a segment that moves in that activity, on the working side: when the mark
 *   names left or right, a sensor on the other leg (the one riding along in a single-leg bridge)
 *   makes no set.
 */
export function setRoleFor(
  activity: Activity | null,
  device: DeviceInfo,
  kind: DataKind,
  side: Side | null = null,
): SetRole | null {
  if (activity === null) return null;
  if (GAIT_ACTIVITIES.has(activity)) return kind === 'force' ? null : 'cadence';
  if (isOtherLimb(device.side, side)) return null;
  if (kind === 'force') return 'force';
  if (kind === 'cadence') return null;
  if (device.placement === 'handle') return null;
  if (ISOMETRIC_ACTIVITIES.has(activity))
    return ISOMETRIC_SEGMENTS.includes(device.placement) ? 'isometric' : null;
  const segments = REP_SEGMENTS[activity] ?? GENERIC_REP_SEGMENTS;
  return segments.includes(device.placement) ? 'reps' : null;
}

function isOtherLimb(deviceSide: Side, workingSide: Side | null): boolean {
  return (
    (workingSide === 'left' || workingSide === 'right') &&
    (deviceSide === 'left' || deviceSide === 'right') &&
    deviceSide !== workingSide
  );
}
