export { type IsometricOptions, planIsometric } from './activities/isometric.js';
export { type NordicOptions, planNordicCurls } from './activities/nordic.js';
export {
  type ActivityOptions,
  type ActivityPlan,
  type PlannedMark,
  type PlannedSet,
  type SegmentMotion,
  sagittalSegment,
} from './activities/plan.js';
export {
  BRIDGE,
  PRONE_CURL,
  planRepExercise,
  planSingleLegBridges,
  type RepExercise,
  type RepExerciseOptions,
  SINGLE_LEG_BRIDGE,
  STANDING_CURL,
  STRETCH,
} from './activities/rep-exercises.js';
export { planRun, type RunOptions } from './activities/run.js';
export type { RepPattern } from './activities/session.js';
export * from './encoders/ble-rsc.js';
export * from './encoders/polar-pmd.js';
export * from './encoders/tindeq-progressor.js';
export * from './encoders/witmotion-wt901.js';
export { fixturesReadme } from './fixtures-readme.js';
export {
  type DatasetImporter,
  detectDataset,
  IMPORTERS,
  type ImportedRecording,
  type ImportResult,
  importDataset,
  OXFORD_CADENCE_WINDOW_S,
} from './import/index.js';
export { axisAngle, type Mat3, randomRotation, type Vec3 } from './math/rotation.js';
export { GaitModel } from './physics/gait.js';
export { type Difficulty, type ImuErrorModel, randomImuErrors, sampleImu } from './physics/imu.js';
export { type Profile, ProfileBuilder, type ProfileState } from './physics/profile.js';
export {
  type IdealImuReading,
  idealImuAt,
  type SegmentModel,
  STANDARD_GRAVITY_MS2,
} from './physics/segment.js';
export { createRng, type Rng } from './random.js';
export {
  type DeviceSpec,
  type DeviceVariation,
  findScenario,
  type GeneratedRecording,
  type GenerateOptions,
  generateFromDefinition,
  generateScenario,
  listScenarios,
  SCENARIOS,
  type ScenarioDefinition,
  SIMULATOR_VERSION,
} from './scenarios.js';
export type { BurstLoss, LinkParams } from './transport/ble-link.js';
export type { Outage } from './transport/connection.js';
export {
  type DecodedDevice,
  type DecodedSeries,
  decodeRecordingEvents,
  type GyroRomCheck,
  principalAxis,
  romFromGyro,
  seriesTimesS,
} from './verify.js';
export { formatLabelsJson, labelsText, recordingText, writeGeneratedRecording } from './write.js';
