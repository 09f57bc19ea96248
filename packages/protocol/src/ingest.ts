import type { RecordingEvent, RecordingHeader } from '@hamstream/core';

/**
 * The `/ingest` socket.io namespace: an ingest daemon streams one session's recording events to the
 * server. The events on the wire ARE recording events (recording-format.md); the daemon's own recording
 * file stays the source of truth and the server's copy converges to it.
 *
 * Sequencing contract (both sides rely on it):
 * - Every event of a session gets a sequence number: 1, 2, 3, … in recording order, contiguous, never reused.
 * - `ingest:hello` (on every (re)connect) returns the server's last stored seq for the session (0 if new);
 *   the daemon resends everything from `lastSeq + 1`, in order.
 * - The server stores an event only when its seq is exactly `lastStored + 1`: a seq ≤ lastStored is a
 *   repeat and is dropped; a seq beyond `lastStored + 1` (a gap) is not stored either. The ack always
 *   carries the highest contiguous seq stored, so a gap makes the daemon resend from there.
 *   {@link planIngestBatch} implements exactly this, for the server to reuse.
 * - Auth: the daemon sends `{token}` as `socket.handshake.auth`: a daemon token a therapist created for
 *   this session (`POST /api/daemon-tokens`). The server checks it on the handshake and on every
 *   `ingest:hello` / `ingest:events`: the session named must be one the token is bound to.
 */
export const INGEST_NAMESPACE = '/ingest';

export const INGEST_EVENTS = {
  hello: 'ingest:hello',
  events: 'ingest:events',
} as const;

/** Largest batch a daemon sends in one `ingest:events`; servers may reject larger ones. */
export const INGEST_MAX_BATCH = 500;

/** `socket.handshake.auth` of an ingest daemon. */
export interface IngestAuth {
  token: string;
}

export interface IngestHello {
  /** Session id chosen by the daemon's config (kebab-case recommended). */
  session: string;
  /** The daemon's recording header: devices, subject, startedAt (wall-clock time of t = 0). */
  header: RecordingHeader;
  /** Stable id of the daemon instance (host + recording path, or configured). For logs and conflicts. */
  daemonId: string;
}

export type IngestHelloAck = { ok: true; lastSeq: number } | { ok: false; error: string };

export interface SequencedEvent {
  /** 1-based, contiguous per session. */
  seq: number;
  event: RecordingEvent;
}

export interface IngestEventsPayload {
  session: string;
  /** Ascending, contiguous seqs. */
  batch: SequencedEvent[];
}

export type IngestEventsAck = { ok: true; ackedSeq: number } | { ok: false; error: string };

/** Events the daemon emits (socket.io `ClientToServerEvents` for the `/ingest` namespace). */
export interface IngestClientToServerEvents {
  'ingest:hello': (hello: IngestHello, ack: (res: IngestHelloAck) => void) => void;
  'ingest:events': (payload: IngestEventsPayload, ack: (res: IngestEventsAck) => void) => void;
}

/** Events the server emits on `/ingest` (none yet: everything is an ack). */
export type IngestServerToClientEvents = Record<never, never>;

/** What the server does with one incoming batch, given its last stored seq. Pure. */
export interface IngestBatchPlan {
  /** Events to store, in order (their seqs are lastStored+1, lastStored+2, …). */
  store: SequencedEvent[];
  /** Entries dropped because they were already stored. */
  duplicates: number;
  /** Entries not stored because an earlier seq is missing (the daemon will resend). */
  outOfOrder: number;
  /** The seq to acknowledge once `store` is persisted. */
  ackedSeq: number;
}

export function planIngestBatch(lastStoredSeq: number, batch: readonly SequencedEvent[]): IngestBatchPlan {
  const store: SequencedEvent[] = [];
  let next = lastStoredSeq + 1;
  let duplicates = 0;
  let outOfOrder = 0;
  for (const entry of batch) {
    if (entry.seq < next) duplicates++;
    else if (entry.seq === next) {
      store.push(entry);
      next++;
    } else outOfOrder++;
  }
  return { store, duplicates, outOfOrder, ackedSeq: next - 1 };
}

/**
 * JSON schemas of the payloads (draft-07, plain objects: no schema library needed to use them).
 * Events are only shape-checked here; validate them fully with `parseEventObject` from @hamstream/recording.
 */
export const recordingEventShapeSchema = {
  type: 'object',
  required: ['type', 't'],
  properties: { type: { type: 'string' }, t: { type: 'number' } },
} as const;

export const ingestHelloSchema = {
  type: 'object',
  required: ['session', 'header', 'daemonId'],
  // Unknown top-level fields are refused (events and the header stay open: the format lets them grow).
  additionalProperties: false,
  properties: {
    session: { type: 'string', minLength: 1, maxLength: 200 },
    daemonId: { type: 'string', minLength: 1, maxLength: 200 },
    header: {
      type: 'object',
      required: ['type', 'format', 'version', 'startedAt', 'devices'],
      properties: {
        type: { const: 'header' },
        format: { const: 'hamstream.recording' },
        version: { const: 1 },
        startedAt: { type: 'string' },
        devices: { type: 'array' },
      },
    },
  },
} as const;

export const ingestEventsPayloadSchema = {
  type: 'object',
  required: ['session', 'batch'],
  additionalProperties: false,
  properties: {
    session: { type: 'string', minLength: 1, maxLength: 200 },
    batch: {
      type: 'array',
      maxItems: INGEST_MAX_BATCH,
      items: {
        type: 'object',
        required: ['seq', 'event'],
        additionalProperties: false,
        properties: { seq: { type: 'integer', minimum: 1 }, event: recordingEventShapeSchema },
      },
    },
  },
} as const;
