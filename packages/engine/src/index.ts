export { type ActivityPeriod, ActivityTimeline } from './activity/activity-timeline.js';
export { GAIT_ACTIVITIES, setRoleFor } from './activity/set-role.js';
export { type Analyzer, type AnalyzerOptions, createAnalyzer, type RawSampleSink } from './analyzer.js';
export {
  type AccuracyRow,
  CADENCE_SETTLE_S,
  type CadenceEvaluation,
  evaluateRecording,
  overallAccuracy,
  type RecordingEvaluation,
  type SetEvaluation,
  type StepTotalEvaluation,
  summarizeAccuracy,
} from './evaluation/evaluate.js';
export { OutputBuilder } from './output/output-builder.js';
export { roundAnalyzeOutput } from './output/round.js';
export { DEFAULT_PROCESSORS, type ProcessorFactories } from './processors.js';
export { analyzeEvents } from './rx/analyze-events.js';
export { collectAnalyzeOutput } from './rx/collect-analyze-output.js';
export { AccGyroPairer } from './timing/acc-gyro-pairer.js';
export { HostClockStream } from './timing/host-clock-stream.js';
export { MinLatencyOffset } from './timing/min-latency-offset.js';
export { SampleTimeStream } from './timing/sample-time-stream.js';
export { SensorClock, SensorClockStream } from './timing/sensor-clock-stream.js';
export type { StreamGap } from './timing/stream-clock.js';
export type * from './types.js';
