import { InfluxDB, escape as influxEscape } from 'influx';
import type { InfluxTarget } from './influx-url.js';
import { DOWNSAMPLES, type DownsampleDef } from './schema.js';

/**
 * Database, retention policy and continuous queries. Idempotent: run at sink start and again after
 * every outage (an influxd restarted on an empty directory gets its schema back before the spool
 * is replayed into it).
 */
export interface InfluxSchemaOptions {
  /** How long raw/decimated traces are kept (`traces` retention policy), InfluxQL duration. Default `30d`. */
  tracesDuration?: string;
  /** How far back each continuous-query run recomputes its 1 s downsample (late points). Default `15m`. */
  resampleFor?: string;
}

export const TRACES_RP = 'traces';
export const DEFAULT_TRACES_DURATION = '30d';
export const DEFAULT_RESAMPLE_FOR = '15m';

/** The `influx` client for one target: schema, queries, admin. */
export function createInfluxClient(target: InfluxTarget, requestTimeoutMs = 10_000): InfluxDB {
  return new InfluxDB({
    host: target.host,
    port: target.port,
    protocol: target.protocol,
    database: target.database,
    ...(target.username !== undefined ? { username: target.username } : {}),
    ...(target.password !== undefined ? { password: target.password } : {}),
    pool: { maxRetries: 0, requestTimeout: requestTimeoutMs },
  });
}

const UNIT_HOURS: Record<string, number> = { w: 168, d: 24, h: 1, m: 1 / 60, s: 1 / 3600 };

/** `30d`, `720h0m0s`, `1w2d` → hours (0 for INF); used to compare what exists with what is wanted. */
export function durationHours(duration: string): number {
  if (duration === 'INF' || duration === '0s' || duration === '0') return 0;
  let hours = 0;
  for (const m of duration.matchAll(/(\d+(?:\.\d+)?)(w|d|h|m|s)/g)) {
    hours += Number(m[1]) * (UNIT_HOURS[m[2] as string] ?? 0);
  }
  return hours;
}

/** The SELECT … INTO of one downsample, optionally limited to a time range (backfill). */
export function downsampleSelect(
  database: string,
  d: DownsampleDef,
  range?: { fromMs: number; toMs: number },
): string {
  const db = influxEscape.quoted(database);
  const where = range
    ? ` WHERE time >= ${Math.floor(range.fromMs)}ms AND time < ${Math.ceil(range.toMs)}ms`
    : '';
  return (
    `SELECT ${d.select} INTO ${db}."autogen".${influxEscape.quoted(d.into)} ` +
    `FROM ${db}.${influxEscape.quoted(TRACES_RP)}.${influxEscape.quoted(d.from)}${where} GROUP BY time(1s), *`
  );
}

interface RawSeries {
  name?: string;
  columns?: string[];
  values?: unknown[][];
}
interface RawResponse {
  results?: { series?: RawSeries[]; error?: string }[];
}

export async function ensureInfluxSchema(
  client: InfluxDB,
  database: string,
  options: InfluxSchemaOptions = {},
): Promise<void> {
  const tracesDuration = options.tracesDuration ?? DEFAULT_TRACES_DURATION;
  const resampleFor = options.resampleFor ?? DEFAULT_RESAMPLE_FOR;
  await client.createDatabase(database);
  const policies = await client.showRetentionPolicies(database);
  const traces = policies.find((p) => p.name === TRACES_RP);
  if (!traces) {
    await client.createRetentionPolicy(TRACES_RP, {
      database,
      duration: tracesDuration,
      replication: 1,
      isDefault: false,
    });
  } else if (durationHours(traces.duration) !== durationHours(tracesDuration)) {
    await client.alterRetentionPolicy(TRACES_RP, {
      database,
      duration: tracesDuration,
      replication: 1,
      isDefault: false,
    });
  }
  const raw = (await client.queryRaw('SHOW CONTINUOUS QUERIES')) as RawResponse;
  const existing = new Set<string>();
  for (const series of raw.results?.[0]?.series ?? []) {
    if (series.name !== database) continue;
    const col = series.columns?.indexOf('name') ?? -1;
    for (const row of series.values ?? []) existing.add(String(row[col]));
  }
  for (const d of DOWNSAMPLES) {
    if (existing.has(d.name)) continue;
    await client.createContinuousQuery(
      d.name,
      downsampleSelect(database, d),
      database,
      `RESAMPLE EVERY 1m FOR ${resampleFor}`,
    );
  }
}

/**
 * Runs the downsampling continuous queries' SELECT … INTO once over a past range. Continuous queries
 * only look at recent time, so a backfill of an old recording (or a spool replayed after an outage
 * longer than `resampleFor`) calls this to get its 1 s copies.
 */
export async function downsampleTraces(
  client: InfluxDB,
  database: string,
  range: { fromMs: number; toMs: number },
): Promise<void> {
  for (const d of DOWNSAMPLES) {
    const res = (await client.queryRaw(downsampleSelect(database, d, range), {
      database,
      method: 'POST',
    })) as RawResponse;
    const error = res.results?.find((r) => r.error)?.error;
    if (error) throw new Error(`downsample ${d.name}: ${error}`);
  }
}
