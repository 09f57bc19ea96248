import { type StoragePoint, TAG_NAMES } from './schema.js';

/**
 * The continuous queries' 1 s downsample, computed here: for recordings older than the `traces`
 * retention policy (InfluxDB refuses points beyond a policy's duration), a backfill writes the
 * kept-for-good copies (`angle_trace_1s`, `force_trace_1s`) directly. Buckets start on whole
 * seconds of the epoch and keep all tags, exactly like `GROUP BY time(1s), *`, so these points
 * have the same keys as the ones the continuous query would write.
 */
export function downsampleTracePoints(points: readonly StoragePoint[]): StoragePoint[] {
  const buckets = new Map<
    string,
    {
      measurement: 'angle_trace' | 'force_trace';
      tags: StoragePoint['tags'];
      t: number;
      sum: number;
      n: number;
      min: number;
      max: number;
    }
  >();
  for (const p of points) {
    if (p.measurement !== 'angle_trace' && p.measurement !== 'force_trace') continue;
    const v = p.measurement === 'angle_trace' ? p.fields.angle_deg : p.fields.force_n;
    if (typeof v !== 'number' || !Number.isFinite(v)) continue;
    const t = Math.floor(p.timeUs / 1e6) * 1e6;
    const key = `${p.measurement}|${TAG_NAMES.map((k) => p.tags[k] ?? '').join('|')}|${t}`;
    const b = buckets.get(key);
    if (b) {
      b.sum += v;
      b.n++;
      if (v < b.min) b.min = v;
      if (v > b.max) b.max = v;
    } else {
      buckets.set(key, { measurement: p.measurement, tags: p.tags, t, sum: v, n: 1, min: v, max: v });
    }
  }
  const out: StoragePoint[] = [];
  for (const b of buckets.values()) {
    out.push(
      b.measurement === 'angle_trace'
        ? {
            measurement: 'angle_trace_1s',
            tags: b.tags,
            timeUs: b.t,
            fields: { angle_deg: b.sum / b.n, angle_min_deg: b.min, angle_max_deg: b.max },
          }
        : {
            measurement: 'force_trace_1s',
            tags: b.tags,
            timeUs: b.t,
            fields: { force_n: b.sum / b.n, force_max_n: b.max },
          },
    );
  }
  return out;
}
