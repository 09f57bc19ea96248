import type { RepResult, SetSummary } from '@hamstream/core';
import {
  type CadenceEstimator,
  type CadenceOptions,
  computeAsymmetry,
  createCadenceEstimator,
  createForceEffortDetector,
  createInclinationEstimator,
  createRepDetector,
  type ForceEffortDetector,
  type InclinationEstimator,
  type InclinationOptions,
  type RepDetector,
  type RepDetectorOptions,
  summarizeSet,
} from '@hamstream/metrics';

/**
 * The metric processors the engine drives, as factories: @hamstream/metrics by default; tests and
 * experiments may swap any of them. The batches they get are views of the engine's reused buffers,
 * exactly `count` long and valid during the call only.
 */
export interface ProcessorFactories {
  inclination(opts: InclinationOptions): InclinationEstimator;
  repDetector(opts: RepDetectorOptions): RepDetector;
  forceEffortDetector(): ForceEffortDetector;
  cadenceEstimator(opts: CadenceOptions): CadenceEstimator;
  asymmetry(left: number, right: number): { asymmetryPct: number; flag: 'none' | 'ge15' | 'ge20' };
  summarizeSet(reps: readonly RepResult[]): SetSummary;
}

export const DEFAULT_PROCESSORS: ProcessorFactories = {
  inclination: createInclinationEstimator,
  repDetector: createRepDetector,
  forceEffortDetector: () => createForceEffortDetector(),
  cadenceEstimator: createCadenceEstimator,
  asymmetry: computeAsymmetry,
  summarizeSet,
};
