import { existsSync } from 'node:fs';
import { hostname } from 'node:os';
import { resolve as resolvePath } from 'node:path';
import { performance } from 'node:perf_hooks';
import {
  type Activity,
  bytesToHex,
  type DeviceInfo,
  HamstreamError,
  RECORDING_FORMAT,
  RECORDING_VERSION,
  type RecordingEvent,
  type RecordingHeader,
  type Side,
} from '@hamstream/core';
import { createRecordingWriter, type RecordingWriter } from '@hamstream/recording';
import { getDriver } from '@hamstream/sensors';
import type { BleCentral } from '../noble/ble-central.js';
import type { IngestConfig } from './config.js';
import { ackPathFor, Forwarder, type ForwarderSocketOptions, type ForwarderStatus } from './forwarder.js';
import { type IngestLogger, silentLogger } from './logger.js';
import { HAMSTREAM_ERR_RESUME, inspectRecording, openAppendingWriter } from './resume.js';
import { ScanBroker } from './scan-broker.js';
import { type LinkSink, SensorLink, type SensorStatus } from './sensor-link.js';
import { createSessionClock, type SessionClock } from './session-clock.js';

export interface IngestDaemonOptions {
  central: BleCentral;
  logger?: IngestLogger;
  /** Monotonic ms (the recording's time axis). Default performance.now. */
  monotonicMs?: () => number;
  /** Wall clock, read once for the header's `startedAt`. */
  now?: () => Date;
  /** How long to wait for the adapter to power on. Default 10 s. */
  readyTimeoutMs?: number;
  /** A source of `mark` events beside the BLE data (the virtual adapter replays its recordings' marks). */
  marks?: (listener: (mark: { activity: Activity | null; side?: Side }) => void) => () => void;
  /** socket.io-client options for the forwarder (tests shorten reconnection delays). */
  socketOptions?: ForwarderSocketOptions;
  /**
   * If the recording file exists, continue it (a restarted daemon, same session): same header, seqs go
   * on, unacknowledged events are resent. Otherwise an existing file is replaced.
   */
  resume?: boolean;
}

export interface IngestSummary {
  session: string;
  recordingPath: string;
  startedAt: string;
  /** Session length on the recording's clock, ms. */
  durationMs: number;
  /** Why the daemon stopped: `SIGINT`, `source ended`, … */
  reason: string;
  eventsWritten: number;
  writeErrors: number;
  sensors: SensorStatus[];
  forwarder: ForwarderStatus | null;
  /** With a server: every event was acknowledged before shutdown. */
  drained: boolean | null;
}

export interface IngestDaemonEvents {
  /** Every event as written to the recording, with its seq (the in-process server can tap this). */
  event: (seq: number, event: RecordingEvent) => void;
  sensor: (status: SensorStatus) => void;
  stopped: (summary: IngestSummary) => void;
}

export interface IngestDaemon {
  readonly header: RecordingHeader;
  readonly recordingPath: string;
  /** Resolves once the daemon has stopped (by stop(), or because the source ended). */
  readonly stopped: Promise<IngestSummary>;
  /** Stops streams (driver stop writes), disconnects, drains the forwarder and closes the recording. */
  stop(reason?: string): Promise<IngestSummary>;
  sensors(): SensorStatus[];
  forwarder(): ForwarderStatus | null;
  /** Writes a `mark` event now (set start/stop by a therapist). */
  mark(activity: Activity | null, side?: Side): void;
  on<K extends keyof IngestDaemonEvents>(event: K, listener: IngestDaemonEvents[K]): () => void;
}

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** A resumed recording must be this session's, with the configured sensors. */
function checkResumable(header: RecordingHeader, config: IngestConfig, path: string): void {
  if (typeof header.session === 'string' && header.session !== config.session) {
    throw new HamstreamError(
      HAMSTREAM_ERR_RESUME,
      `${path} belongs to session "${header.session}", not "${config.session}": resume with --session ${header.session} or record elsewhere`,
    );
  }
  const describe = (list: { id: string; driver: string }[]) =>
    list
      .map((d) => `${d.id}:${d.driver}`)
      .sort()
      .join(', ');
  const recorded = describe(header.devices);
  const configured = describe(config.sensors);
  if (recorded !== configured) {
    throw new HamstreamError(
      HAMSTREAM_ERR_RESUME,
      `${path} was recorded with sensors ${recorded}, the configuration has ${configured}: cannot resume`,
    );
  }
}

/**
 * Starts the ingest daemon on a BLE central (hardware or virtual: same code path). Resolves once the
 * adapter is ready and the recording is open; sensors connect in the background, each on its own.
 */
export async function startIngestDaemon(
  config: IngestConfig,
  options: IngestDaemonOptions,
): Promise<IngestDaemon> {
  const logger = options.logger ?? silentLogger;
  const monotonicMs = options.monotonicMs ?? (() => performance.now());
  const { central } = options;

  for (const s of config.sensors) {
    if (!getDriver(s.driver)) throw new Error(`sensor ${s.id}: unknown driver "${s.driver}"`);
  }
  await central.waitReady(options.readyTimeoutMs ?? 10_000);

  const now = options.now ?? (() => new Date());
  const recordingPath = resolvePath(config.record ?? `hamstream-${config.session}.rec.jsonl`);
  const existing =
    options.resume && existsSync(recordingPath)
      ? await inspectRecording(recordingPath, ackPathFor(recordingPath))
      : null;

  let header: RecordingHeader;
  let clock: SessionClock;
  let writer: RecordingWriter;
  if (existing) {
    header = existing.header;
    checkResumable(header, config, recordingPath);
    // The wall clock, once, places the restart on the session's timeline; from there t is monotonic again.
    const elapsedMs = now().getTime() - Date.parse(header.startedAt);
    clock = createSessionClock(monotonicMs, Math.max(existing.lastT, elapsedMs));
    writer = await openAppendingWriter(recordingPath, existing);
    logger.info(`resuming ${recordingPath}: ${existing.events} events so far`);
  } else {
    const startedAt = now();
    clock = createSessionClock(monotonicMs);
    const devices: DeviceInfo[] = config.sensors.map((s) => {
      const d: DeviceInfo = {
        id: s.id,
        driver: s.driver,
        placement: s.placement,
        side: s.side,
        config: s.config,
      };
      if (s.name) d.name = s.name;
      if (s.address) d.address = s.address;
      return d;
    });
    header = {
      type: 'header',
      format: RECORDING_FORMAT,
      version: RECORDING_VERSION,
      startedAt: startedAt.toISOString(),
      ...(config.subject ? { subject: config.subject } : {}),
      ...(config.activity ? { activity: config.activity } : {}),
      devices,
      session: config.session,
    };
    writer = await createRecordingWriter(recordingPath, header);
    logger.info(`recording to ${recordingPath}`);
  }

  const listeners: { [K in keyof IngestDaemonEvents]: Set<IngestDaemonEvents[K]> } = {
    event: new Set(),
    sensor: new Set(),
    stopped: new Set(),
  };
  const notify = <K extends keyof IngestDaemonEvents>(
    event: K,
    ...args: Parameters<IngestDaemonEvents[K]>
  ) => {
    for (const l of listeners[event]) {
      try {
        (l as (...a: Parameters<IngestDaemonEvents[K]>) => void)(...args);
      } catch (e) {
        logger.error(`a daemon "${event}" listener threw: ${message(e)}`);
      }
    }
  };

  let forwarder: Forwarder | null = null;
  if (config.server) {
    forwarder = new Forwarder({
      url: config.server.url,
      token: config.server.token,
      session: config.session,
      header,
      daemonId: config.daemonId ?? `${hostname()}:${recordingPath}`,
      recordingPath,
      flushRecording: () => writer.flush(),
      ackPath: ackPathFor(recordingPath),
      batchSize: config.tuning.forwardBatchSize,
      window: config.tuning.forwardWindow,
      memoryEvents: config.tuning.forwardMemoryEvents,
      ackTimeoutMs: config.tuning.forwardAckTimeoutMs,
      logger,
      ...(options.socketOptions ? { socketOptions: options.socketOptions } : {}),
    });
    const ack = existing?.ack;
    forwarder.start(
      existing
        ? {
            lastSeq: existing.events,
            ackedSeq: ack && ack.session === config.session ? Math.min(ack.ackedSeq, existing.events) : 0,
          }
        : undefined,
    );
  }

  let writeErrors = 0;
  let closing = false;
  const record = (event: RecordingEvent) => {
    if (closing) return;
    try {
      writer.write(event);
    } catch (e) {
      writeErrors++;
      logger.error(`recording: ${message(e)}`);
      return;
    }
    const seq = writer.eventsWritten;
    forwarder?.push(seq, event);
    notify('event', seq, event);
  };

  const sink: LinkSink = {
    packet: (device, characteristic, data) =>
      record({ type: 'packet', t: clock.nowMs(), device, characteristic, data: bytesToHex(data) }),
    connect: (device, reason) =>
      record({ type: 'connect', t: clock.nowMs(), device, ...(reason ? { reason } : {}) }),
    disconnect: (device, reason) =>
      record({ type: 'disconnect', t: clock.nowMs(), device, ...(reason ? { reason } : {}) }),
    status: (status) => notify('sensor', status),
  };

  const broker = new ScanBroker(central, logger);
  const links = config.sensors.map(
    (s) => new SensorLink(s, getDriver(s.driver)!, central, broker, sink, config.tuning, logger, monotonicMs),
  );
  for (const link of links) link.start();

  const writeMark = (activity: Activity | null, side?: Side) =>
    record({ type: 'mark', t: clock.nowMs(), activity, ...(side ? { side } : {}) });
  const unsubscribeMarks = options.marks?.((m) => writeMark(m.activity, m.side)) ?? null;

  let resolveStopped!: (s: IngestSummary) => void;
  const stopped = new Promise<IngestSummary>((r) => {
    resolveStopped = r;
  });
  let stopping: Promise<IngestSummary> | null = null;

  const stop = (reason = 'stopped'): Promise<IngestSummary> => {
    stopping ??= (async () => {
      logger.info(`stopping: ${reason}`);
      unsubscribeMarks?.();
      await Promise.all(links.map((l) => l.stop(`shutdown: ${reason}`)));
      await broker.close();
      closing = true;
      const durationMs = clock.nowMs();
      let drained: boolean | null = null;
      if (forwarder) {
        await writer.flush().catch(() => undefined);
        drained = await forwarder.drain(config.tuning.drainTimeoutMs);
        if (!drained) {
          const st = forwarder.status();
          logger.warn(
            `server acknowledged ${st.ackedSeq} of ${st.lastSeq} events; the rest stay in ${recordingPath} (ack position in ${ackPathFor(recordingPath)})`,
          );
        }
        await forwarder.close();
      }
      try {
        await writer.close();
      } catch (e) {
        writeErrors++;
        logger.error(`recording: ${message(e)}`);
      }
      const summary: IngestSummary = {
        session: config.session,
        recordingPath,
        startedAt: header.startedAt,
        durationMs,
        reason,
        eventsWritten: writer.eventsWritten,
        writeErrors,
        sensors: links.map((l) => ({ ...l.state })),
        forwarder: forwarder?.status() ?? null,
        drained,
      };
      notify('stopped', summary);
      resolveStopped(summary);
      return summary;
    })();
    return stopping;
  };

  void central.ended?.then(() => {
    logger.info('the adapter has nothing more to offer (end of recordings)');
    void stop('source ended');
  });

  return {
    header,
    recordingPath,
    stopped,
    stop,
    sensors: () => links.map((l) => ({ ...l.state })),
    forwarder: () => forwarder?.status() ?? null,
    mark: writeMark,
    on(event, listener) {
      (listeners[event] as Set<typeof listener>).add(listener);
      return () => {
        (listeners[event] as Set<typeof listener>).delete(listener);
      };
    },
  };
}
