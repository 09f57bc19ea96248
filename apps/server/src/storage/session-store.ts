import type { AnalyzeOutput, MarkEvent, RecordingEvent, RecordingHeader } from '@hamstream/core';
import type { SessionStatus, SubjectDto, TargetsDto } from '@hamstream/protocol';

/** What the server keeps about a session besides its recording (`sessions/<id>/session.json`). */
export interface SessionMeta {
  id: string;
  subject: string | null;
  status: SessionStatus;
  createdAt: string;
  endedAt: string | null;
  /** The ingest daemon feeding it (first hello wins). */
  daemonId: string | null;
  /**
   * The account that created it (responsible for it when it has no subject). Absent in data from
   * before accounts existed: such sessions are visible to admins (and their subject's therapist).
   */
  owner?: string | null;
  /** The recording header, once a daemon said hello. */
  header: RecordingHeader | null;
}

/** `summary.json`: the analysis of the recording (final once the session ended). */
export interface StoredSummary {
  session: string;
  provisional: boolean;
  analysis: AnalyzeOutput;
}

/** Server-written marks carry this extra field (the format lets readers ignore unknown fields). */
export const SERVER_MARK_SOURCE = 'server';

/** A mark the server wrote (set start/stop), told apart from the daemon's events when recovering. */
export type ServerMarkEvent = MarkEvent & { source: typeof SERVER_MARK_SOURCE };

/**
 * An append-only session recording. Appends are queued and written in order without blocking the
 * caller; the returned promise settles when the lines are in the file (the OS has them: they survive
 * a crash of this process). Ack an ingest batch only after it settles.
 */
export interface RecordingAppender {
  readonly path: string;
  readonly header: RecordingHeader;
  /** Events in the file or queued (daemon events + server marks). */
  readonly eventCount: number;
  /** Daemon events in the file or queued: the last stored ingest seq (seqs are 1-based, contiguous). */
  readonly daemonEventCount: number;
  /** `t` of the newest event, ms (0 before any). */
  readonly lastT: number;
  append(events: readonly RecordingEvent[]): Promise<void>;
  appendServerMark(mark: MarkEvent): Promise<ServerMarkEvent>;
  /** Flushes queued lines (and fsyncs). */
  flush(): Promise<void>;
  close(): Promise<void>;
}

/**
 * The server's persistence port. The local-data-folder implementation is the embedded default;
 * an InfluxDB-backed one comes with the storage issue. Reads are served from memory; writes return
 * promises and never block the live path.
 */
export interface SessionStore {
  readonly kind: string;
  /** Loads what exists (creating the folder). */
  init(): Promise<void>;

  listSubjects(): SubjectDto[];
  getSubject(id: string): SubjectDto | null;
  putSubject(subject: SubjectDto): Promise<void>;

  listTargets(): TargetsDto[];
  getTargets(subject: string): TargetsDto | null;
  putTargets(targets: TargetsDto): Promise<void>;

  listSessions(): SessionMeta[];
  getSession(id: string): SessionMeta | null;
  putSession(meta: SessionMeta): Promise<void>;

  /** Opens the session's recording for appending; creates it with `header` when absent. */
  openRecording(
    id: string,
    header: RecordingHeader,
    onExistingEvent?: (event: RecordingEvent) => void,
  ): Promise<RecordingAppender>;
  /** Path of the recording file, or null when there is none (for downloads). */
  recordingPath(id: string): string | null;

  writeSummary(summary: StoredSummary): Promise<void>;
  readSummary(id: string): Promise<StoredSummary | null>;

  /** Flushes pending metadata writes. */
  close(): Promise<void>;
}
