import type { Placement, Side } from '@hamstream/core';
import { RecordingFormatError } from './errors.js';
import { openRecording, type ReadOptions, type ReadStats } from './reader.js';

export interface DeviceSummary {
  id: string;
  driver: string;
  placement: Placement;
  side: Side;
  /** Event counts by type (`packet`, `connect`, `disconnect`, `sample`). */
  eventsByType: Record<string, number>;
}

export interface MarkSummary {
  tS: number;
  activity: string | null;
  side?: Side;
}

/** What `hamstream validate` prints for one file. */
export interface RecordingSummary {
  path: string;
  /** False when reading stopped at an error (strict reading, i.e. not lenient). */
  ok: boolean;
  startedAt: string | null;
  activity: string | null;
  /** Time of the last event, s since t = 0 (null without events). */
  durationS: number | null;
  devices: DeviceSummary[];
  marks: MarkSummary[];
  stats: ReadStats;
  /** The error that stopped reading. */
  error?: { line: number; message: string; reasonCode: string };
}

/**
 * Streams a recording once and summarises it. A format error is returned in `error` (with what was
 * read before it); an unreadable file or an invalid header still throws.
 */
export async function summarizeRecording(path: string, options: ReadOptions = {}): Promise<RecordingSummary> {
  const rec = await openRecording(path, options);
  const devices = new Map<string, DeviceSummary>(
    rec.header.devices.map((d) => [
      d.id,
      { id: d.id, driver: d.driver, placement: d.placement, side: d.side, eventsByType: {} },
    ]),
  );
  const summary: RecordingSummary = {
    path,
    ok: true,
    startedAt: rec.header.startedAt,
    activity: rec.header.activity ?? null,
    durationS: null,
    devices: [...devices.values()],
    marks: [],
    stats: rec.stats,
  };
  try {
    for await (const e of rec.events) {
      summary.durationS = e.t / 1000;
      if (e.type === 'mark') {
        summary.marks.push(
          e.side
            ? { tS: e.t / 1000, activity: e.activity, side: e.side }
            : { tS: e.t / 1000, activity: e.activity },
        );
        continue;
      }
      const counts = devices.get(e.device)?.eventsByType;
      if (counts) counts[e.type] = (counts[e.type] ?? 0) + 1;
    }
  } catch (e) {
    if (!(e instanceof RecordingFormatError)) throw e;
    summary.ok = false;
    summary.error = { line: e.line, message: e.message, reasonCode: e.reasonCode };
  } finally {
    await rec.close();
  }
  return summary;
}
