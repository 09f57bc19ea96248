import type { AnalyzeOutput, RecordingHeader } from '@hamstream/core';
import type { EngineUpdate, RawSampleSink } from '@hamstream/engine';
import {
  createLivePointBuilder,
  createRawPointWriter,
  type InfluxSink,
  type InfluxSinkStats,
  pointsFromAnalyzeOutput,
  type StorageLogger,
} from '@hamstream/storage';
import type { Logger } from './live-session-registry.js';

/** Tag value for a session nobody has attached to a subject yet (InfluxDB has no empty tags). */
export const UNASSIGNED_SUBJECT = 'unassigned';

/** What one live session hands to storage: every engine update, then the finished analysis. */
export interface SessionPointsTap {
  update(update: EngineUpdate): void;
  finished(output: AnalyzeOutput | null): void;
  /** `--store-raw`: the engine's aligned samples (absent: raw samples are not stored). */
  raw?: RawSampleSink;
}

export interface InfluxLiveOptions {
  /** Also write every aligned sample (imu_raw, force_raw). Default false. */
  storeRaw?: boolean;
}

export interface LiveSessionInfo {
  session: string;
  /** The server's subject of the session (never a subject its header merely claims), null if none. */
  subject: string | null;
  header: RecordingHeader;
}

/** The registry's port to a results store; the InfluxDB one below, none without InfluxDB. */
export interface LiveResultsSink {
  openSession(info: LiveSessionInfo): SessionPointsTap;
  stats(): InfluxSinkStats;
  /** Graceful shutdown: drain for up to `timeoutMs`, the rest stays in the disk spool. */
  close(timeoutMs?: number): Promise<void>;
}

/**
 * Live sessions → InfluxDB. Each session's EngineUpdates go through `createLivePointBuilder` into the
 * shared sink; `sink.write` only serialises into memory (batches, the spool and retries happen off the
 * live path), so the engine never waits for InfluxDB. A replay after a restart rewrites the same point
 * keys, so nothing is duplicated. A builder bug is logged once per session and that session's storage
 * stops; the live view carries on. With `storeRaw`, the engine also hands over every aligned sample
 * (`raw`); those points are built and serialised during the engine's call, nothing more on this path.
 */
export function createInfluxLiveSink(
  sink: InfluxSink,
  logger: Logger,
  options: InfluxLiveOptions = {},
): LiveResultsSink {
  return {
    openSession(info) {
      const meta = {
        subject: info.subject ?? UNASSIGNED_SUBJECT,
        session: info.session,
        devices: info.header.devices,
      };
      const startedAtMs = Date.parse(info.header.startedAt);
      let broken = !Number.isFinite(startedAtMs);
      if (broken)
        logger.warn({ session: info.session }, 'header startedAt is not a date: not stored in InfluxDB');
      const builder = createLivePointBuilder({ ...meta, startedAtMs });
      const guard = (what: string, run: () => void): void => {
        if (broken) return;
        try {
          run();
        } catch (e) {
          broken = true;
          logger.error(
            { session: info.session, err: e },
            `InfluxDB points (${what}) failed; session no longer stored there`,
          );
        }
      };
      const rawWriter = options.storeRaw
        ? createRawPointWriter({ ...meta, startedAtMs }, (points) => sink.write(points))
        : null;
      return {
        ...(rawWriter
          ? {
              raw: {
                imu: (batch) => guard('raw', () => rawWriter.imu(batch)),
                force: (batch) => guard('raw', () => rawWriter.force(batch)),
              },
            }
          : {}),
        update(u) {
          guard('live', () => {
            const points = builder.push(u);
            if (points.length > 0) sink.write(points);
          });
        },
        finished(output) {
          // The finished analysis under the same keys: it settles anything the live path got provisionally.
          if (output) guard('final', () => sink.write(pointsFromAnalyzeOutput(output, meta, startedAtMs)));
        },
      };
    },
    stats: () => sink.stats(),
    close: (timeoutMs) => sink.close(timeoutMs),
  };
}

/** fastify/pino logger → the storage package's logger. */
export function storageLoggerFrom(log: Logger & { debug(obj: object, msg?: string): void }): StorageLogger {
  return {
    debug: (m, c) => log.debug(c ?? {}, m),
    info: (m, c) => log.info(c ?? {}, m),
    warn: (m, c) => log.warn(c ?? {}, m),
    error: (m, c) => log.error(c ?? {}, m),
  };
}
