import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RecordingEvent, RecordingHeader } from '@hamstream/core';
import type { SubjectDto, TargetsDto } from '@hamstream/protocol';
import { JsonFileWriter } from './json-file-writer.js';
import { openRecordingAppender } from './recording-appender.js';
import type { RecordingAppender, SessionMeta, SessionStore, StoredSummary } from './session-store.js';

const RECORDING_FILE = 'recording.rec.jsonl';

/**
 * The embedded default store: a data folder.
 *
 * ```
 * DATA/subjects.json               [SubjectDto]
 * DATA/targets.json                [TargetsDto]   (subject "default" applies to everyone else)
 * DATA/sessions/<id>/session.json  SessionMeta
 * DATA/sessions/<id>/recording.rec.jsonl   the session's recording (recording-format.md)
 * DATA/sessions/<id>/summary.json  StoredSummary (AnalyzeOutput)
 * ```
 */
export class LocalSessionStore implements SessionStore {
  readonly kind = 'local';
  private readonly subjects = new Map<string, SubjectDto>();
  private readonly targets = new Map<string, TargetsDto>();
  private readonly sessions = new Map<string, SessionMeta>();
  private readonly writer = new JsonFileWriter();

  constructor(readonly dataDir: string) {}

  async init(): Promise<void> {
    await mkdir(join(this.dataDir, 'sessions'), { recursive: true });
    for (const s of await readJson<SubjectDto[]>(join(this.dataDir, 'subjects.json'), []))
      this.subjects.set(s.id, s);
    for (const t of await readJson<TargetsDto[]>(join(this.dataDir, 'targets.json'), [])) {
      this.targets.set(t.subject, t);
    }
    const dirs = await readdir(join(this.dataDir, 'sessions'), { withFileTypes: true });
    for (const d of dirs) {
      if (!d.isDirectory()) continue;
      const meta = await readJson<SessionMeta | null>(this.sessionFile(d.name, 'session.json'), null);
      if (meta && meta.id === d.name) this.sessions.set(meta.id, meta);
    }
  }

  listSubjects(): SubjectDto[] {
    return [...this.subjects.values()].sort((a, b) => a.id.localeCompare(b.id));
  }
  getSubject(id: string): SubjectDto | null {
    return this.subjects.get(id) ?? null;
  }
  putSubject(subject: SubjectDto): Promise<void> {
    this.subjects.set(subject.id, subject);
    return this.writer.write(join(this.dataDir, 'subjects.json'), this.listSubjects());
  }

  listTargets(): TargetsDto[] {
    return [...this.targets.values()].sort((a, b) => a.subject.localeCompare(b.subject));
  }
  getTargets(subject: string): TargetsDto | null {
    return this.targets.get(subject) ?? null;
  }
  putTargets(targets: TargetsDto): Promise<void> {
    this.targets.set(targets.subject, targets);
    return this.writer.write(join(this.dataDir, 'targets.json'), this.listTargets());
  }

  listSessions(): SessionMeta[] {
    return [...this.sessions.values()].sort(
      (a, b) => b.createdAt.localeCompare(a.createdAt) || a.id.localeCompare(b.id),
    );
  }
  getSession(id: string): SessionMeta | null {
    return this.sessions.get(id) ?? null;
  }
  putSession(meta: SessionMeta): Promise<void> {
    this.sessions.set(meta.id, meta);
    return this.writer.write(this.sessionFile(meta.id, 'session.json'), meta);
  }

  async openRecording(
    id: string,
    header: RecordingHeader,
    onExistingEvent?: (event: RecordingEvent) => void,
  ): Promise<RecordingAppender> {
    await mkdir(join(this.dataDir, 'sessions', id), { recursive: true });
    return openRecordingAppender(this.sessionFile(id, RECORDING_FILE), header, onExistingEvent);
  }

  recordingPath(id: string): string | null {
    const p = this.sessionFile(id, RECORDING_FILE);
    return existsSync(p) ? p : null;
  }

  writeSummary(summary: StoredSummary): Promise<void> {
    return this.writer.write(this.sessionFile(summary.session, 'summary.json'), summary);
  }

  readSummary(id: string): Promise<StoredSummary | null> {
    return readJson<StoredSummary | null>(this.sessionFile(id, 'summary.json'), null);
  }

  close(): Promise<void> {
    return this.writer.drain();
  }

  private sessionFile(id: string, name: string): string {
    return join(this.dataDir, 'sessions', id, name);
  }
}

async function readJson<T>(path: string, fallback: T): Promise<T> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return fallback;
  }
  try {
    return JSON.parse(text) as T;
  } catch {
    // Files are replaced atomically, so a bad one was edited by hand: keep serving, start afresh.
    return fallback;
  }
}
