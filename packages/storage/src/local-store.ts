import { createReadStream, existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import type { AnalyzeOutput, DeviceInfo, RecordingHeader } from '@hamstream/core';
import {
  buildSubjectHistory,
  factsFromAnalyzeOutput,
  type HistoryRange,
  type HistoryStore,
  inRange,
} from './history.js';

/**
 * The embedded default: everything from the local data folder, as the server writes it
 * (apps/server/src/storage/local-session-store.ts):
 *
 * ```
 * DATA/sessions/<id>/session.json          {id, subject, createdAt, header: RecordingHeader | null, …}
 * DATA/sessions/<id>/recording.rec.jsonl   the recording (.gz accepted)
 * DATA/sessions/<id>/summary.json          {session, provisional, analysis: AnalyzeOutput}
 * ```
 *
 * Also accepted, for summaries written by other tools: `summary.json` holding the AnalyzeOutput
 * itself (top level) or under `output`, with optional `subject`, `startedAt`, `devices` beside it.
 */
export interface StoredSession {
  session: string;
  subject: string;
  /** ISO 8601, wall-clock time of t = 0. */
  startedAt: string;
  startedAtMs: number;
  devices: DeviceInfo[];
  analysis: AnalyzeOutput;
  /** The session's folder, when it came from one. */
  dir: string | null;
  /** Path of the recording, when there is one. */
  recordingPath: string | null;
}

export const UNKNOWN_SUBJECT = 'unknown';

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function isAnalyzeOutput(v: unknown): v is AnalyzeOutput {
  return isObject(v) && isObject(v.recording) && Array.isArray(v.sets) && Array.isArray(v.cadence);
}

async function readJson(file: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as unknown;
  } catch {
    return null;
  }
}

/** Line 1 of a recording (plain or gzip), or null. */
export async function readRecordingHeader(file: string): Promise<RecordingHeader | null> {
  const raw = createReadStream(file);
  const input = file.endsWith('.gz') ? raw.pipe(createGunzip()) : raw;
  const lines = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
  try {
    for await (const line of lines) {
      const v = JSON.parse(line) as unknown;
      return isObject(v) && v.type === 'header' ? (v as RecordingHeader) : null;
    }
    return null;
  } catch {
    return null;
  } finally {
    lines.close();
    raw.destroy();
  }
}

function recordingIn(dir: string): string | null {
  for (const name of ['recording.rec.jsonl', 'recording.rec.jsonl.gz']) {
    const p = path.join(dir, name);
    if (existsSync(p)) return p;
  }
  return null;
}

/**
 * Reads one session from its folder (or from a summary.json path). Null when there is no usable
 * analysis (e.g. a live session whose summary has not been written yet).
 */
export async function readStoredSession(dirOrSummary: string, id?: string): Promise<StoredSession | null> {
  const isFile = dirOrSummary.endsWith('.json');
  const dir = isFile ? path.dirname(dirOrSummary) : dirOrSummary;
  const summaryFile = isFile ? dirOrSummary : path.join(dir, 'summary.json');
  const summary = await readJson(summaryFile);
  if (!isObject(summary)) return null;
  const analysis = isAnalyzeOutput(summary.analysis)
    ? summary.analysis
    : isAnalyzeOutput(summary.output)
      ? summary.output
      : isAnalyzeOutput(summary)
        ? summary
        : null;
  if (!analysis) return null;
  const meta = await readJson(path.join(dir, 'session.json'));
  const metaHeader = isObject(meta) && isObject(meta.header) ? (meta.header as RecordingHeader) : null;
  const recordingPath = recordingIn(dir);
  let header = metaHeader;
  if ((!header || !Array.isArray(header.devices)) && recordingPath)
    header = await readRecordingHeader(recordingPath);

  const str = (v: unknown): string | null => (typeof v === 'string' && v.length > 0 ? v : null);
  const startedAt =
    str(summary.startedAt) ??
    str(header?.startedAt) ??
    str(analysis.recording.startedAt) ??
    '1970-01-01T00:00:00.000Z';
  const startedAtMs = Date.parse(startedAt);
  const devices = Array.isArray(summary.devices)
    ? (summary.devices as DeviceInfo[])
    : Array.isArray(header?.devices)
      ? header.devices
      : [];
  return {
    session: str(summary.session) ?? (isObject(meta) ? str(meta.id) : null) ?? id ?? path.basename(dir),
    // The server's session.json says whose session it is (null: nobody's yet). A recording header only
    // claims a subject, which the server may have refused: it counts only without a session.json.
    subject:
      str(summary.subject) ??
      (isObject(meta) && 'subject' in meta
        ? (str(meta.subject) ?? UNKNOWN_SUBJECT)
        : (str(header?.subject) ?? UNKNOWN_SUBJECT)),
    startedAt: new Date(Number.isFinite(startedAtMs) ? startedAtMs : 0).toISOString(),
    startedAtMs: Number.isFinite(startedAtMs) ? startedAtMs : 0,
    devices,
    analysis,
    dir,
    recordingPath,
  };
}

export interface LocalStore extends HistoryStore {
  readonly dataDir: string;
  /** Session ids with a folder under DATA/sessions (analysed or not), sorted. */
  sessionIds(): Promise<string[]>;
  /** Every analysed session, oldest first. */
  sessions(): Promise<StoredSession[]>;
  session(id: string): Promise<StoredSession | null>;
}

export function createLocalStore(dataDir: string): LocalStore {
  const sessionsDir = path.join(dataDir, 'sessions');
  const sessionIds = async (): Promise<string[]> => {
    if (!existsSync(sessionsDir)) return [];
    const entries = await readdir(sessionsDir, { withFileTypes: true });
    return entries
      .filter((e) => e.isDirectory())
      .map((e) => e.name)
      .sort();
  };
  const session = (id: string): Promise<StoredSession | null> =>
    readStoredSession(path.join(sessionsDir, id), id);
  const sessions = async (): Promise<StoredSession[]> => {
    const all = await Promise.all((await sessionIds()).map(session));
    return all
      .filter((s): s is StoredSession => s !== null)
      .sort((a, b) => a.startedAtMs - b.startedAtMs || a.session.localeCompare(b.session));
  };
  return {
    dataDir,
    sessionIds,
    sessions,
    session,
    async subjectHistory(subject: string, range?: HistoryRange) {
      const facts = (await sessions())
        .filter((s) => s.subject === subject && inRange(s.startedAtMs, range))
        .map((s) => factsFromAnalyzeOutput(s.session, s.startedAtMs, s.analysis, s.devices));
      return buildSubjectHistory(subject, facts, range);
    },
  };
}
