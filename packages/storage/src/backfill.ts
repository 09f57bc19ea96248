import {
  createInfluxSink,
  type InfluxSink,
  type InfluxSinkOptions,
  type InfluxSinkStats,
} from './influx-sink.js';
import type { LocalStore, StoredSession } from './local-store.js';
import { pointsFromAnalyzeOutput, type StoragePoint } from './schema.js';

/** All points of one stored session (what `analyze --influx` and `backfill` write). */
export function pointsFromStoredSession(s: StoredSession): StoragePoint[] {
  return pointsFromAnalyzeOutput(
    s.analysis,
    { subject: s.subject, session: s.session, devices: s.devices },
    s.startedAtMs,
  );
}

export interface BackfillProgress {
  session: string;
  points: number;
}

export interface BackfillResult {
  /** Sessions written. */
  sessions: number;
  points: number;
  /** Session folders without a usable summary (not analysed yet). */
  skipped: string[];
}

/**
 * Writes every analysed session of a local data folder through a sink (switching a clinic from the
 * embedded default to InfluxDB). Safe to repeat: points are keyed by the data, so a second run
 * overwrites instead of duplicating. The caller drains/closes the sink.
 */
export async function backfill(
  store: LocalStore,
  sink: InfluxSink,
  onSession?: (p: BackfillProgress) => void,
): Promise<BackfillResult> {
  const ids = await store.sessionIds();
  const result: BackfillResult = { sessions: 0, points: 0, skipped: [] };
  for (const id of ids) {
    const s = await store.session(id);
    if (!s) {
      result.skipped.push(id);
      continue;
    }
    const points = pointsFromStoredSession(s);
    sink.write(points);
    // Let the sender run between sessions so a large folder never piles up in memory.
    await sink.flush();
    result.sessions++;
    result.points += points.length;
    onSession?.({ session: s.session, points: points.length });
  }
  return result;
}

export interface WriteOnceResult {
  /** True when InfluxDB took every point (nothing left in the spool). */
  complete: boolean;
  stats: InfluxSinkStats;
}

/**
 * One-shot write for commands (`hamstream analyze RECORDING --influx URL`): open a sink, write, wait
 * up to `timeoutMs` for InfluxDB, close. Whatever InfluxDB did not take stays in `spoolDir` and goes
 * out with the next sink opened on it.
 */
export async function writeToInflux(
  options: InfluxSinkOptions,
  points: readonly StoragePoint[],
  timeoutMs = 60_000,
): Promise<WriteOnceResult> {
  const sink = await createInfluxSink(options);
  sink.write(points);
  const complete = await sink.drain(timeoutMs);
  await sink.close(1000);
  const stats = sink.stats();
  return { complete: complete && stats.spool.points === 0, stats };
}
