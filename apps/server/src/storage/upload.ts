import { open, unlink } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { err, ok, type RecordingHeader, type Result } from '@hamstream/core';
import { openRecording, RecordingFormatError } from '@hamstream/recording';
import { type Problem, problem } from '../errors.js';

export interface UploadLimits {
  /** Bytes of the request body (compressed bytes for gzip). */
  maxBytes: number;
  /** Lines of the (decompressed) recording: a gzip bomb is stopped here, not by memory. */
  maxLines: number;
}

/** 64 MiB on the wire (gzip is detected by its magic bytes), 10 million lines (~10 h of 3 IMUs). */
export const DEFAULT_UPLOAD_LIMITS: UploadLimits = { maxBytes: 64 * 1024 * 1024, maxLines: 10_000_000 };

/**
 * Streams a request body to `path` (never into memory), stopping at `maxBytes`. The file is removed
 * when the body is refused.
 */
export async function receiveUpload(
  body: Readable,
  path: string,
  maxBytes: number,
): Promise<Result<number, Problem>> {
  const fh = await open(path, 'wx', 0o600);
  let bytes = 0;
  try {
    for await (const chunk of body) {
      const buf = chunk as Buffer;
      bytes += buf.length;
      if (bytes > maxBytes) {
        // Stop reading; the caller answers 413 and closes the connection (destroying the request here
        // would reset the socket before the client could read why).
        body.pause();
        return err(problem('TOO_LARGE', `the recording is larger than ${maxBytes} bytes`));
      }
      await fh.write(buf);
    }
  } finally {
    await fh.close();
    if (bytes > maxBytes) await unlink(path).catch(() => undefined);
  }
  if (bytes === 0) return err(problem('BAD_RECORDING', 'the body is empty: send the recording file'));
  return ok(bytes);
}

/**
 * Validates a whole uploaded recording with @hamstream/recording (header, every event, `t` order)
 * before anything is stored: the first bad line is named. A file cut off mid-line (a crashed writer)
 * is refused too: an upload is meant to be complete.
 */
export async function validateRecordingFile(
  path: string,
  limits: Pick<UploadLimits, 'maxLines'>,
): Promise<Result<{ header: RecordingHeader; events: number }, Problem>> {
  let rec: Awaited<ReturnType<typeof openRecording>>;
  try {
    rec = await openRecording(path);
  } catch (e) {
    return err(recordingProblem(e));
  }
  try {
    for await (const _event of rec.events) {
      if (rec.stats.lines > limits.maxLines) {
        return err(problem('BAD_RECORDING', `the recording has more than ${limits.maxLines} lines`));
      }
    }
    if (rec.stats.truncatedLastLine) {
      return err(
        problem(
          'BAD_RECORDING',
          `line ${rec.stats.truncation?.line ?? rec.stats.lines}: ${rec.stats.truncation?.reason ?? 'cut off'}`,
        ),
      );
    }
    return ok({ header: rec.header, events: rec.stats.events });
  } catch (e) {
    return err(recordingProblem(e));
  } finally {
    await rec.close();
  }
}

function recordingProblem(e: unknown): Problem {
  // The reason and line only: the server's temp path means nothing to the uploader.
  if (e instanceof RecordingFormatError) return problem('BAD_RECORDING', `line ${e.line}: ${e.reason}`);
  return problem('BAD_RECORDING', 'not a readable recording');
}
