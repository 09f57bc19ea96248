import { HamstreamError } from '@hamstream/core';

/**
 * Why a line is invalid. Stable strings: they key `ReadStats.skippedByReason` and tests and
 * dashboards match on them.
 */
export type RecordingIssueCode =
  | 'empty-file'
  | 'missing-header'
  | 'bad-header'
  | 'unknown-driver'
  | 'not-json'
  | 'not-object'
  | 'empty-line'
  | 'line-too-long'
  | 'unexpected-header'
  | 'missing-type'
  | 'unknown-type'
  | 'bad-t'
  | 't-backwards'
  | 'bad-device'
  | 'unknown-device'
  | 'bad-characteristic'
  | 'bad-hex'
  | 'bad-field'
  | 'bad-gzip'
  | 'read-failed';

/** One problem in one line, before it is tied to a file. */
export interface RecordingIssue {
  code: RecordingIssueCode;
  message: string;
}

export const RECORDING_FORMAT_ERROR_CODE = 'HAMSTREAM_ERR_RECORDING_FORMAT';
export const RECORDING_WRITE_ERROR_CODE = 'HAMSTREAM_ERR_RECORDING_WRITE';
export const LABELS_FORMAT_ERROR_CODE = 'HAMSTREAM_ERR_LABELS_FORMAT';

/** A recording that breaks the format. `message` is `FILE:LINE: reason`, ready to print. */
export class RecordingFormatError extends HamstreamError {
  readonly file: string;
  /** 1-based line number (line 1 is the header). */
  readonly line: number;
  /** The reason alone, without `FILE:LINE: `. */
  readonly reason: string;
  readonly reasonCode: RecordingIssueCode;
  constructor(file: string, line: number, issue: RecordingIssue, options?: { cause?: unknown }) {
    super(RECORDING_FORMAT_ERROR_CODE, `${file}:${line}: ${issue.message}`, options);
    this.name = 'RecordingFormatError';
    this.file = file;
    this.line = line;
    this.reason = issue.message;
    this.reasonCode = issue.code;
  }
}

/** A labels sidecar that breaks the format. `message` is `FILE: where: reason`. */
export class LabelsFormatError extends HamstreamError {
  readonly file: string;
  /** Where in the document, e.g. `sets[1].reps[0].startS`; empty for the whole file. */
  readonly where: string;
  constructor(file: string, where: string, reason: string, options?: { cause?: unknown }) {
    super(LABELS_FORMAT_ERROR_CODE, where ? `${file}: ${where}: ${reason}` : `${file}: ${reason}`, options);
    this.name = 'LabelsFormatError';
    this.file = file;
    this.where = where;
  }
}
