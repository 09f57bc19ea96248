export { CADENCE_TUNING, createCadenceEstimator } from './cadence/cadence-estimator.js';
export { autocorrelate, findPeriod, type PeriodResult } from './cadence/periodicity.js';
export type * from './contracts.js';
export {
  ASYMMETRY_FLAG_PCT,
  type AsymmetryFigures,
  type AsymmetryFlag,
  computeAsymmetry,
} from './force/asymmetry.js';
export {
  createForceEffortDetector,
  FORCE_TUNING,
  type ForceEffortOptions,
} from './force/force-effort-detector.js';
export { createInclinationEstimator } from './inclination/inclination-estimator.js';
export { countReps } from './operators/count-reps.js';
export { forceEfforts } from './operators/force-efforts.js';
export { inclination } from './operators/inclination.js';
export { type CadenceGap, type CadenceInput, runningCadence } from './operators/running-cadence.js';
export { BREAK_TUNING, computeBreakDeg } from './reps/nordic-break.js';
export { createRepDetector, REP_TUNING } from './reps/rep-detector.js';
export { summarizeSet } from './reps/set-summary.js';
