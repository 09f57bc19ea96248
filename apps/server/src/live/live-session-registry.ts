import { randomBytes } from 'node:crypto';
import {
  type AnalyzeOutput,
  type MarkEvent,
  ok,
  type RecordingEvent,
  type RecordingHeader,
  type Result,
  type Side,
} from '@hamstream/core';
import {
  type IngestEventsAck,
  type IngestEventsPayload,
  type IngestHello,
  type IngestHelloAck,
  planIngestBatch,
  type SessionDto,
  type TargetsDto,
} from '@hamstream/protocol';
import { classifyEventObject, openRecording, parseHeaderObject } from '@hamstream/recording';
import { fail, type Problem } from '../errors.js';
import type {
  RecordingAppender,
  SessionMeta,
  SessionStore,
  StoredSummary,
} from '../storage/session-store.js';
import type { LiveResultsSink, SessionPointsTap } from './influx-live.js';
import { type LiveEngine, type LiveEngineFactory, rxLiveEngine } from './live-engine.js';
import {
  type ChangeLevel,
  LiveSessionModel,
  NEWS_CHANGE,
  NO_CHANGE,
  STATE_CHANGE,
} from './live-session-model.js';
import { resolveTargets } from './targets.js';

/** pino-compatible subset (fastify's logger fits). */
export interface Logger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export const SESSION_ID_RE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** One session: its metadata, recording, engine and live view model. */
export class LiveSession {
  appender: RecordingAppender | null = null;
  engine: LiveEngine | null = null;
  /** The results store's view of this session's engine (InfluxDB), null without one. */
  resultsTap: SessionPointsTap | null = null;
  /** socket id of the ingest connection feeding it right now. */
  ingestConn: string | null = null;
  /** Settles when a restored recording has been replayed into the engine. */
  ready: Promise<void> = Promise.resolve();
  /** Unsaved changes for the provisional summary. */
  summaryDirty = false;
  /** Highest change level of engine updates since the last fan-out. */
  pendingLevel: ChangeLevel = NO_CHANGE;
  /** An uploaded recording is being stored: daemons are refused meanwhile. */
  importing = false;
  private ending: Promise<void> | null = null;

  constructor(
    public meta: SessionMeta,
    readonly model: LiveSessionModel,
  ) {}

  get id(): string {
    return this.meta.id;
  }

  /** The end runs once; later callers share it. */
  endOnce(run: () => Promise<void>): Promise<void> {
    this.ending ??= run();
    return this.ending;
  }
}

export type ChangeListener = (session: string, level: ChangeLevel) => void;

export interface RegistryOptions {
  store: SessionStore;
  logger: Logger;
  engineFactory?: LiveEngineFactory;
  /** Where each session's engine results also go (InfluxDB); none: the data folder only. */
  results?: LiveResultsSink;
  /**
   * May a session take the subject its recording header names (when it has none)? The subject decides
   * who sees the session, so a daemon must not attach it to someone else's patient. Default: yes.
   */
  canAdoptSubject?: (meta: SessionMeta, subject: string) => boolean;
  /** Wall-clock ISO time for metadata (createdAt/endedAt); injectable for tests. */
  nowIso?: () => string;
}

/**
 * ALL live state, keyed by session id, in one place: the seam where a Redis adapter and several nodes
 * would come in later (sessions would be owned by one node; watchers elsewhere get updates via the
 * adapter). Ingest batches, set marks and session ends go through here; the realtime layer listens to
 * `onChange` and fans out to dashboards at their own pace.
 */
export class LiveSessionRegistry {
  private readonly sessions = new Map<string, LiveSession>();
  private readonly listeners = new Set<ChangeListener>();
  private readonly store: SessionStore;
  private readonly logger: Logger;
  private readonly engineFactory: LiveEngineFactory;
  private readonly results: LiveResultsSink | null;
  private readonly nowIso: () => string;
  private readonly canAdoptSubject: (meta: SessionMeta, subject: string) => boolean;

  constructor(opts: RegistryOptions) {
    this.store = opts.store;
    this.logger = opts.logger;
    this.canAdoptSubject = opts.canAdoptSubject ?? (() => true);
    this.engineFactory = opts.engineFactory ?? rxLiveEngine;
    this.results = opts.results ?? null;
    this.nowIso = opts.nowIso ?? (() => new Date().toISOString());
  }

  /** Loads stored sessions; live ones get their recording replayed so their state is back. */
  async init(): Promise<void> {
    for (const meta of this.store.listSessions()) {
      const session = this.addSession(meta);
      if (meta.status !== 'ended' && meta.header) {
        session.ready = this.openRecording(session, meta.header);
        await session.ready;
      }
    }
  }

  onChange(listener: ChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get(id: string): LiveSession | null {
    return this.sessions.get(id) ?? null;
  }

  list(): LiveSession[] {
    return [...this.sessions.values()];
  }

  /** Sessions on the therapist wall: everything not ended. */
  liveSessions(): LiveSession[] {
    return this.list().filter((s) => s.meta.status !== 'ended');
  }

  targetsFor(subject: string | null): TargetsDto {
    return resolveTargets(subject, (s) => this.store.getTargets(s));
  }

  /** Targets changed: every session of that subject (or all, for `default`) picks them up. */
  refreshTargets(subject: string): void {
    for (const s of this.sessions.values()) {
      if (subject === 'default' || s.meta.subject === subject) {
        s.model.setTargets(this.targetsFor(s.meta.subject));
        this.emit(s.id, NEWS_CHANGE);
      }
    }
  }

  async createSession(input: {
    id?: string;
    subject?: string;
    owner?: string;
  }): Promise<Result<SessionMeta, Problem>> {
    const id = input.id ?? newSessionId(this.nowIso());
    if (this.sessions.has(id)) return fail('CONFLICT', `session ${id} exists`);
    const meta: SessionMeta = {
      id,
      subject: input.subject ?? null,
      status: 'created',
      createdAt: this.nowIso(),
      endedAt: null,
      daemonId: null,
      header: null,
      owner: input.owner ?? null,
    };
    this.addSession(meta);
    await this.store.putSession(meta);
    this.emit(id, NEWS_CHANGE);
    return ok(meta);
  }

  private addSession(meta: SessionMeta): LiveSession {
    const model = new LiveSessionModel({
      session: meta.id,
      subject: meta.subject,
      status: meta.status,
      header: meta.header,
      targets: this.targetsFor(meta.subject),
    });
    const session = new LiveSession(meta, model);
    this.sessions.set(meta.id, session);
    return session;
  }

  private startEngine(session: LiveSession, header: RecordingHeader): void {
    const targets = this.targetsFor(session.meta.subject);
    const baselineSpm = targets.cadence?.baselineSpm ?? undefined;
    const tap =
      this.results?.openSession({ session: session.id, subject: session.model.subject, header }) ?? null;
    session.resultsTap = tap;
    session.engine = this.engineFactory(
      header,
      {
        ...(baselineSpm !== undefined ? { baselineSpm } : {}),
        ...(tap?.raw ? { rawSamples: tap.raw } : {}),
      },
      (u) => {
        const level = session.model.apply(u);
        if (level > session.pendingLevel) session.pendingLevel = level;
        // In memory only (the sink batches and spools off this path): the engine never waits for it.
        tap?.update(u);
      },
      (e) => this.logger.error({ session: session.id, err: e }, 'engine failed; the recording continues'),
    );
  }

  /** The header's subject, when the session may take it (see `canAdoptSubject`). */
  private adoptableSubject(meta: SessionMeta, header: RecordingHeader): string | null {
    const subject = header.subject;
    if (typeof subject !== 'string' || !SESSION_ID_RE.test(subject)) return null;
    return this.canAdoptSubject(meta, subject) ? subject : null;
  }

  private async openRecording(session: LiveSession, header: RecordingHeader): Promise<void> {
    // The live view labels the session with its own subject only (never one its header just claims).
    session.model.subject = session.meta.subject ?? this.adoptableSubject(session.meta, header);
    session.model.setHeader(header);
    this.startEngine(session, header);
    const appender = await this.store.openRecording(session.id, header, (event) => this.feed(session, event));
    session.appender = appender;
    if (appender.header !== header) {
      session.meta = { ...session.meta, header: appender.header };
      session.model.setHeader(appender.header);
    }
  }

  /** One stored event into the live path: data time, then the engine (known event types only). */
  private feed(session: LiveSession, event: RecordingEvent): void {
    if (
      event.type !== 'packet' &&
      event.type !== 'sample' &&
      event.type !== 'mark' &&
      event.type !== 'connect' &&
      event.type !== 'disconnect'
    ) {
      return;
    }
    session.model.observeEvent(event);
    session.engine?.push(event);
  }

  async ingestHello(hello: IngestHello, conn: string): Promise<IngestHelloAck> {
    if (typeof hello?.session !== 'string' || !SESSION_ID_RE.test(hello.session)) {
      return { ok: false, error: 'session id must be 1-64 characters of A-Z a-z 0-9 . _ -' };
    }
    if (typeof hello.daemonId !== 'string' || hello.daemonId.length === 0) {
      return { ok: false, error: 'daemonId missing' };
    }
    const parsed = parseHeaderObject(hello.header);
    if (!parsed.ok) return { ok: false, error: `bad header: ${parsed.error}` };
    const header = parsed.value;
    let session = this.sessions.get(hello.session);
    if (!session) {
      const created = await this.createSession({
        id: hello.session,
        ...(typeof header.subject === 'string' && SESSION_ID_RE.test(header.subject)
          ? { subject: header.subject }
          : {}),
      });
      if (!created.ok) return { ok: false, error: created.error.message };
      session = this.sessions.get(hello.session)!;
    }
    await session.ready;
    const meta = session.meta;
    if (meta.status === 'ended') return { ok: false, error: `session ${meta.id} has ended` };
    if (session.importing) return { ok: false, error: `session ${meta.id} is being imported from a file` };
    if (meta.header && meta.header.startedAt !== header.startedAt) {
      return {
        ok: false,
        error: `session ${meta.id} already holds a recording started at ${meta.header.startedAt}; use a new session id`,
      };
    }
    if (!session.appender) {
      session.ready = this.openRecording(session, header);
      try {
        await session.ready;
      } catch (e) {
        this.logger.error({ session: meta.id, err: e }, 'cannot open the session recording');
        return { ok: false, error: 'the server cannot store this session (see its log)' };
      }
    }
    session.meta = {
      ...session.meta,
      status: 'live',
      daemonId: hello.daemonId,
      header: session.appender!.header,
      subject: session.meta.subject ?? this.adoptableSubject(session.meta, session.appender!.header),
    };
    session.ingestConn = conn;
    session.model.setStatus('live');
    session.model.setIngestOnline(true);
    void this.store.putSession(session.meta);
    this.emit(meta.id, NEWS_CHANGE);
    return { ok: true, lastSeq: session.appender!.daemonEventCount };
  }

  /**
   * Stores the contiguous continuation of the session's events (repeats dropped by seq), feeds them to
   * the live path at once, and acks once the disk has them. The engine never waits for the disk.
   */
  ingestEvents(payload: IngestEventsPayload, conn: string): Promise<IngestEventsAck> {
    const session = typeof payload?.session === 'string' ? this.sessions.get(payload.session) : undefined;
    if (!session?.appender)
      return Promise.resolve({ ok: false, error: 'unknown session: send ingest:hello first' });
    if (session.meta.status === 'ended') return Promise.resolve({ ok: false, error: 'session has ended' });
    if (!Array.isArray(payload.batch)) return Promise.resolve({ ok: false, error: 'batch must be an array' });
    if (session.ingestConn !== conn) {
      // A second daemon (or a stale socket) on the same session: one writer at a time.
      session.ingestConn = conn;
      session.model.setIngestOnline(true);
    }
    const appender = session.appender;
    const plan = planIngestBatch(appender.daemonEventCount, payload.batch);
    const knownDevices = new Set(appender.header.devices.map((d) => d.id));
    const accepted: RecordingEvent[] = [];
    let problemText: string | null = null;
    let lastT = appender.lastT;
    for (const entry of plan.store) {
      const c = classifyEventObject(entry.event, { knownDevices });
      if (c.kind === 'invalid') {
        problemText = `seq ${entry.seq}: ${c.issue.message}`;
        break;
      }
      const event = stripServerTag(entry.event);
      if (typeof event.t !== 'number' || event.t < lastT) {
        problemText = `seq ${entry.seq}: t ${String(event.t)} goes back in time (last ${lastT})`;
        break;
      }
      lastT = event.t;
      accepted.push(event);
    }
    const ackedSeq = appender.daemonEventCount + accepted.length;
    if (accepted.length === 0) {
      return Promise.resolve(problemText ? { ok: false, error: problemText } : { ok: true, ackedSeq });
    }
    const written = appender.append(accepted);
    for (const event of accepted) this.feed(session, event);
    session.summaryDirty = true;
    this.flushChanges(session, STATE_CHANGE);
    return written.then(
      () => (problemText ? { ok: false, error: problemText } : { ok: true, ackedSeq }),
      (e: unknown) => {
        this.logger.error({ session: session.id, err: e }, 'recording write failed');
        return { ok: false, error: 'the server could not store the events' };
      },
    );
  }

  /**
   * Stores a recording file (already validated, see storage/upload.ts) as the session's recording and
   * ends the session with its final summary. Only for a session no daemon has fed yet.
   */
  async importRecording(id: string, path: string): Promise<Result<SessionMeta, Problem>> {
    const session = this.sessions.get(id);
    if (!session) return fail('NOT_FOUND', `no session ${id}`);
    const busy =
      session.meta.status !== 'created' ||
      session.meta.header !== null ||
      session.appender !== null ||
      session.ingestConn !== null ||
      session.importing;
    if (busy) return fail('CONFLICT', `session ${id} already has data; create a new session for the file`);
    session.importing = true;
    try {
      const rec = await openRecording(path);
      try {
        session.ready = this.openRecording(session, rec.header);
        await session.ready;
        const appender = session.appender!;
        session.meta = {
          ...session.meta,
          header: appender.header,
          daemonId: 'upload',
          subject: session.meta.subject ?? this.adoptableSubject(session.meta, appender.header),
        };
        let chunk: RecordingEvent[] = [];
        const flush = async (): Promise<void> => {
          const written = appender.append(chunk);
          for (const event of chunk) this.feed(session, event);
          chunk = [];
          await written;
        };
        for await (const event of rec.events) {
          chunk.push(event);
          if (chunk.length >= 1000) await flush();
        }
        if (chunk.length > 0) await flush();
      } finally {
        await rec.close();
      }
    } catch (e) {
      this.logger.error({ session: id, err: e }, 'recording import failed');
      session.importing = false;
      return fail('STORAGE', 'could not store the recording');
    }
    session.importing = false;
    session.summaryDirty = true;
    return this.endSession(id);
  }

  ingestDisconnected(conn: string): void {
    for (const s of this.sessions.values()) {
      if (s.ingestConn === conn) {
        s.ingestConn = null;
        s.model.setIngestOnline(false);
        this.emit(s.id, NEWS_CHANGE);
      }
    }
  }

  /** Writes a mark into the session's recording (set start: activity + side; set stop: null). */
  async mark(id: string, activity: string | null, side?: Side): Promise<Result<MarkEvent, Problem>> {
    const session = this.sessions.get(id);
    if (!session) return fail('NOT_FOUND', `no session ${id}`);
    if (session.meta.status === 'ended') return fail('SESSION_ENDED', `session ${id} has ended`);
    await session.ready;
    const appender = session.appender;
    if (!appender) return fail('SESSION_NOT_LIVE', `session ${id} has no sensor stream yet`);
    // Data time, never the wall clock: the mark applies from the newest data the server has.
    const mark: MarkEvent = { type: 'mark', t: appender.lastT, activity, ...(side ? { side } : {}) };
    let stored: MarkEvent;
    try {
      stored = await appender.appendServerMark(mark);
    } catch (e) {
      this.logger.error({ session: id, err: e }, 'mark write failed');
      return fail('STORAGE', 'could not store the mark');
    }
    this.feed(session, stored);
    session.summaryDirty = true;
    this.flushChanges(session, NEWS_CHANGE);
    return ok(mark);
  }

  /** Ends a session: the engine finishes, the final summary is written, the recording closed. */
  async endSession(id: string): Promise<Result<SessionMeta, Problem>> {
    const session = this.sessions.get(id);
    if (!session) return fail('NOT_FOUND', `no session ${id}`);
    await session.endOnce(async () => {
      await session.ready;
      const output = session.engine ? await session.engine.complete() : null;
      session.engine = null;
      session.resultsTap?.finished(output);
      session.resultsTap = null;
      await session.appender?.close();
      session.meta = { ...session.meta, status: 'ended', endedAt: this.nowIso() };
      session.ingestConn = null;
      session.model.setStatus('ended');
      session.model.setIngestOnline(false);
      await Promise.all([this.store.putSession(session.meta), this.writeSummary(session, output)]);
      this.emit(id, NEWS_CHANGE);
    });
    return ok(session.meta);
  }

  summaryOf(session: LiveSession, output?: AnalyzeOutput | null): StoredSummary {
    return {
      session: session.id,
      provisional: output == null,
      analysis: output ?? session.model.provisionalOutput(),
    };
  }

  private async writeSummary(session: LiveSession, output: AnalyzeOutput | null): Promise<void> {
    session.summaryDirty = false;
    await this.store.writeSummary(this.summaryOf(session, output));
  }

  /** Writes provisional summaries of sessions that changed (called on a timer and on shutdown). */
  async saveProvisionalSummaries(): Promise<void> {
    await Promise.all(
      this.list()
        .filter((s) => s.summaryDirty && s.meta.status !== 'ended')
        .map((s) => this.writeSummary(s, null)),
    );
  }

  toDto(session: LiveSession): SessionDto {
    const m = session.meta;
    const state = session.model.state();
    return {
      id: m.id,
      subject: m.subject,
      status: m.status,
      createdAt: m.createdAt,
      startedAt: m.header?.startedAt ?? null,
      endedAt: m.endedAt,
      owner: m.owner ?? null,
      devices: (m.header?.devices ?? []).map((d) => ({
        id: d.id,
        driver: d.driver,
        placement: d.placement,
        side: d.side,
      })),
      activity: state.activity,
      side: state.side,
      ingestOnline: session.ingestConn !== null,
      eventCount: session.appender?.eventCount ?? 0,
      durationS: state.tS,
      setCount: state.setCount,
      repTotal: state.repTotal,
    };
  }

  /** Flushes every recording and provisional summary; sessions stay live for the next start. */
  async close(): Promise<void> {
    await this.saveProvisionalSummaries();
    await Promise.all(
      this.list().map(async (s) => {
        try {
          await s.appender?.close();
        } catch (e) {
          this.logger.error({ session: s.id, err: e }, 'recording close failed');
        }
        s.appender = null;
      }),
    );
  }

  private flushChanges(session: LiveSession, atLeast: ChangeLevel): void {
    const level = session.pendingLevel > atLeast ? session.pendingLevel : atLeast;
    session.pendingLevel = NO_CHANGE;
    this.emit(session.id, level);
  }

  private emit(session: string, level: ChangeLevel): void {
    if (level === NO_CHANGE) return;
    for (const l of this.listeners) l(session, level);
  }
}

function stripServerTag(event: RecordingEvent): RecordingEvent {
  if (!('source' in event)) return event;
  const { source: _ignored, ...rest } = event as RecordingEvent & { source?: unknown };
  return rest as RecordingEvent;
}

function newSessionId(iso: string): string {
  const stamp = iso.replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `s-${stamp}-${randomBytes(2).toString('hex')}`;
}
