import type { InfluxDB } from 'influx';
import { createInfluxClient } from './influx-setup.js';
import { parseInfluxUrl } from './influx-url.js';
import { SYNTHETIC_DEVICES } from './sample-data.js';
import { pointsFromAngleTrace, type StoragePoint, type TraceContext, timeUsAt } from './schema.js';

/** Helpers shared by the Influx tests and the benchmark (no test framework imports here). */

export function clientFor(url: string): InfluxDB {
  return createInfluxClient(parseInfluxUrl(url));
}

/** Number of points in a measurement (counted on one always-present field). */
export async function countPoints(
  client: InfluxDB,
  measurement: string,
  field: string,
  rp: 'autogen' | 'traces' = 'autogen',
): Promise<number> {
  const rows = await client.query<{ count: number }>(
    `SELECT count("${field}") AS "count" FROM "${rp}"."${measurement}"`,
  );
  return rows[0]?.count ?? 0;
}

/**
 * Yesterday 10:00 UTC. Trace points must lie inside the `traces` retention policy (InfluxDB refuses
 * older ones), so test and bench traces are anchored to the current date, not to a fixed one.
 */
export function recentStartMs(): number {
  const now = new Date();
  return Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() - 1, 10);
}

/** `n` distinct angle_trace points of one synthetic device at 50 Hz starting at `startedAtMs`. */
export function tracePoints(n: number, startedAtMs = recentStartMs(), session = 'bench'): StoragePoint[] {
  const ctx: TraceContext = {
    subject: 'athlete-07',
    session,
    device: SYNTHETIC_DEVICES[0] as TraceContext['device'],
    activity: 'prone-hamstring-curl',
    startedAtMs,
  };
  const tS = new Float64Array(n);
  const angle = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    tS[k] = k * 0.02;
    angle[k] = 40 + 40 * Math.sin(k * 0.05);
  }
  return pointsFromAngleTrace(ctx, tS, angle);
}

/**
 * Result points whose order matters: `batches` groups of `perBatch` points, each group `perBatch − 1`
 * distinct cadence points and one `sessions` point that rewrites the same key with set_count = the
 * group's index. With batchSize = perBatch every batch carries one rewrite, so the stored set_count
 * is the last group's only if result batches arrived in write order.
 */
export function orderedResultPoints(
  batches: number,
  perBatch: number,
  startedAtMs = recentStartMs(),
  session = 'order',
): StoragePoint[] {
  const cadenceTags = {
    activity: 'run',
    device: 'L-shank',
    placement: 'shank',
    session,
    side: 'left',
    subject: 'x',
  };
  const sessionTags = { session, subject: 'x' };
  const out: StoragePoint[] = [];
  let j = 0;
  for (let b = 0; b < batches; b++) {
    for (let k = 0; k < perBatch - 1; k++, j++) {
      out.push({
        measurement: 'cadence',
        tags: cadenceTags,
        fields: { spm: 160 + (j % 7) },
        timeUs: timeUsAt(startedAtMs, 1 + j * 0.01),
      });
    }
    out.push({
      measurement: 'sessions',
      tags: sessionTags,
      fields: { set_count: b },
      timeUs: timeUsAt(startedAtMs, 0),
    });
  }
  return out;
}
