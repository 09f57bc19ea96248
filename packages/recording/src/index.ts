export {
  LABELS_FORMAT_ERROR_CODE,
  LabelsFormatError,
  RECORDING_FORMAT_ERROR_CODE,
  RECORDING_WRITE_ERROR_CODE,
  RecordingFormatError,
  type RecordingIssue,
  type RecordingIssueCode,
} from './errors.js';
export { labelsPathFor, parseLabelsObject, readLabels } from './labels.js';
export {
  MAX_LINE_BYTES,
  type OpenRecording,
  openRecording,
  RECORDING_READ_ERROR_CODE,
  type ReadOptions,
  type ReadStats,
  readRecording,
} from './reader.js';
export { canonicalJson, serializeRecordingLine } from './serialize.js';
export {
  type DeviceSummary,
  type MarkSummary,
  type RecordingSummary,
  summarizeRecording,
} from './summary.js';
export {
  checkHeaderObject,
  classifyEventObject,
  type EventClassification,
  type EventContext,
  type HeaderOptions,
  parseEventObject,
  parseHeaderObject,
} from './validate.js';
export { createRecordingWriter, type RecordingWriter, type RecordingWriterOptions } from './writer.js';
