import {
  type DeviceConfig,
  type DeviceInfo,
  err,
  ok,
  PLACEMENTS,
  type Placement,
  type Result,
  SIDES,
  type Side,
} from '@hamstream/core';
import { drivers, getDriver } from '@hamstream/sensors';
import { type BackoffPolicy, DEFAULT_BACKOFF } from './backoff.js';

/** One sensor the daemon looks for and streams. */
export interface SensorConfig {
  /** Short id used in the recording (`L-shank`). */
  id: string;
  driver: string;
  placement: Placement;
  side: Side;
  /** Match peripherals whose advertised local name starts with this. */
  name?: string;
  /** Match this peripheral only (`aa:bb:cc:dd:ee:ff`, or the platform's peripheral id). */
  address?: string;
  /** What to ask the sensor for (rate, ranges, model …); recorded in the header. */
  config: DeviceConfig;
}

export interface ServerTarget {
  /** Base URL of the hamstream server, e.g. http://127.0.0.1:8080 (the daemon uses its /ingest namespace). */
  url: string;
  token: string;
}

export interface IngestTuning {
  backoff: BackoffPolicy;
  connectTimeoutMs: number;
  /** Discover, subscribe, read and write. */
  operationTimeoutMs: number;
  /** Waiting for a control-point answer (Polar). */
  responseTimeoutMs: number;
  /** No notification for this long while streaming → drop the link and reconnect. 0: never. */
  silenceTimeoutMs: number;
  /** Per-sensor budget for stop writes and disconnect at shutdown. */
  stopTimeoutMs: number;
  forwardBatchSize: number;
  /** Events sent but not yet acknowledged, at most. */
  forwardWindow: number;
  /** Unacknowledged events kept in memory; older ones are re-read from the recording file. */
  forwardMemoryEvents: number;
  forwardAckTimeoutMs: number;
  /** At shutdown, wait this long for the server to acknowledge what is left. */
  drainTimeoutMs: number;
}

export interface IngestConfig {
  /** Session id (the server's key; stable across daemon restarts). */
  session: string;
  subject?: string;
  activity?: string;
  sensors: SensorConfig[];
  /** Recording path. With a server and no path, `hamstream-<session>.rec.jsonl` in the working directory. */
  record: string | null;
  server: ServerTarget | null;
  /** Identifies this daemon to the server. Default: `<hostname>:<recording path>`. */
  daemonId?: string;
  tuning: IngestTuning;
}

export const DEFAULT_TUNING: IngestTuning = {
  backoff: DEFAULT_BACKOFF,
  connectTimeoutMs: 10_000,
  operationTimeoutMs: 5_000,
  responseTimeoutMs: 2_000,
  silenceTimeoutMs: 15_000,
  stopTimeoutMs: 3_000,
  forwardBatchSize: 200,
  forwardWindow: 2_000,
  forwardMemoryEvents: 50_000,
  forwardAckTimeoutMs: 10_000,
  drainTimeoutMs: 10_000,
};

// The server's limit (1–64 characters), so a session the daemon accepts is one the server accepts.
const SESSION_RE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const SENSOR_ID_RE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$/;
const ADDRESS_RE = /^(([0-9a-f]{2}:){5}[0-9a-f]{2}|[0-9a-f]{12}|[0-9a-f]{32}|[0-9a-f-]{36})$/i;

const TOP_KEYS = new Set([
  'session',
  'subject',
  'activity',
  'sensors',
  'record',
  'server',
  'daemonId',
  'tuning',
]);
const SENSOR_KEYS = new Set(['id', 'driver', 'placement', 'side', 'name', 'address', 'config']);
const SERVER_KEYS = new Set(['url', 'token']);

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const show = (v: unknown) => (typeof v === 'string' ? `"${v}"` : JSON.stringify(v));

function unknownKeys(obj: Record<string, unknown>, allowed: Set<string>, at: string, errors: string[]): void {
  for (const k of Object.keys(obj)) {
    if (!allowed.has(k)) errors.push(`${at}${k}: unknown field (known: ${[...allowed].join(', ')})`);
  }
}

function optionalString(
  obj: Record<string, unknown>,
  key: string,
  at: string,
  errors: string[],
): string | undefined {
  const v = obj[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string' || v.length === 0) {
    errors.push(`${at}${key}: must be a non-empty string (got ${show(v)})`);
    return undefined;
  }
  return v;
}

function parseSensor(raw: unknown, i: number, errors: string[]): SensorConfig | null {
  const at = `sensors[${i}].`;
  if (!isObject(raw)) {
    errors.push(`sensors[${i}]: must be an object with id, driver, placement, side and name or address`);
    return null;
  }
  const before = errors.length;
  unknownKeys(raw, SENSOR_KEYS, at, errors);
  const id = raw.id;
  if (typeof id !== 'string' || !SENSOR_ID_RE.test(id)) {
    errors.push(`${at}id: must be a short id of letters, digits, '.', '_' or '-' (got ${show(id)})`);
  }
  const driverId = raw.driver;
  const driver = typeof driverId === 'string' ? getDriver(driverId) : undefined;
  if (!driver) {
    errors.push(
      `${at}driver: unknown driver ${show(driverId)} (known: ${drivers.map((d) => d.id).join(', ')})`,
    );
  }
  const placement = raw.placement;
  if (typeof placement !== 'string' || !(PLACEMENTS as readonly string[]).includes(placement)) {
    errors.push(`${at}placement: must be one of ${PLACEMENTS.join(', ')} (got ${show(placement)})`);
  }
  const side = raw.side;
  if (typeof side !== 'string' || !(SIDES as readonly string[]).includes(side)) {
    errors.push(`${at}side: must be one of ${SIDES.join(', ')} (got ${show(side)})`);
  }
  const name = optionalString(raw, 'name', at, errors);
  const address = optionalString(raw, 'address', at, errors);
  if (address !== undefined && !ADDRESS_RE.test(address)) {
    errors.push(`${at}address: must look like aa:bb:cc:dd:ee:ff (got ${show(address)})`);
  }
  let config: DeviceConfig = {};
  if (raw.config !== undefined) {
    if (!isObject(raw.config)) errors.push(`${at}config: must be an object, e.g. {"rateHz": 100}`);
    else config = raw.config as DeviceConfig;
  }
  if (driver?.checkConfig) {
    for (const problem of driver.checkConfig(config)) {
      errors.push(problem.startsWith('config') ? `${at}${problem}` : `${at}config: ${problem}`);
    }
  }
  if (errors.length > before) return null;
  const sensor: SensorConfig = {
    id: id as string,
    driver: driverId as string,
    placement: placement as Placement,
    side: side as Side,
    config,
  };
  if (name !== undefined) sensor.name = name;
  if (address !== undefined) sensor.address = address.toLowerCase();
  return sensor;
}

function parseTuning(raw: unknown, errors: string[]): IngestTuning {
  if (raw === undefined) return DEFAULT_TUNING;
  if (!isObject(raw)) {
    errors.push('tuning: must be an object');
    return DEFAULT_TUNING;
  }
  const out: IngestTuning = { ...DEFAULT_TUNING, backoff: { ...DEFAULT_TUNING.backoff } };
  for (const [k, v] of Object.entries(raw)) {
    if (k === 'backoff') {
      if (!isObject(v)) {
        errors.push('tuning.backoff: must be an object {initialDelayMs, maxDelayMs, factor}');
        continue;
      }
      for (const [bk, bv] of Object.entries(v)) {
        if (!(bk in out.backoff)) errors.push(`tuning.backoff.${bk}: unknown field`);
        else if (typeof bv !== 'number' || !(bv > 0))
          errors.push(`tuning.backoff.${bk}: must be a positive number`);
        else out.backoff[bk as keyof BackoffPolicy] = bv;
      }
      if (out.backoff.initialDelayMs > 1000) errors.push('tuning.backoff.initialDelayMs: must be ≤ 1000 ms');
      if (out.backoff.factor < 1) errors.push('tuning.backoff.factor: must be ≥ 1');
      continue;
    }
    if (!(k in out)) {
      errors.push(`tuning.${k}: unknown field (known: ${Object.keys(DEFAULT_TUNING).join(', ')})`);
    } else if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) {
      errors.push(`tuning.${k}: must be a number ≥ 0 (got ${show(v)})`);
    } else {
      (out as unknown as Record<string, number>)[k] = v;
    }
  }
  return out;
}

/**
 * Validates a daemon configuration (a parsed JSON file merged with command-line flags). Every problem is
 * one line naming the field, e.g. `sensors[1].side: must be one of left, right, center (got "lft")`.
 */
export function parseIngestConfig(raw: unknown): Result<IngestConfig, string[]> {
  const errors: string[] = [];
  if (!isObject(raw)) return err(['configuration: must be a JSON object']);
  unknownKeys(raw, TOP_KEYS, '', errors);

  const session = raw.session;
  if (typeof session !== 'string' || !SESSION_RE.test(session)) {
    errors.push(`session: must be an id of letters, digits, '.', '_' or '-' (got ${show(session)})`);
  }
  const subject = optionalString(raw, 'subject', '', errors);
  const activity = optionalString(raw, 'activity', '', errors);
  const daemonId = optionalString(raw, 'daemonId', '', errors);
  const record = optionalString(raw, 'record', '', errors) ?? null;

  let server: ServerTarget | null = null;
  if (raw.server !== undefined && raw.server !== null) {
    if (!isObject(raw.server)) {
      errors.push('server: must be an object {url, token}');
    } else {
      unknownKeys(raw.server, SERVER_KEYS, 'server.', errors);
      const url = raw.server.url;
      let parsed: URL | null = null;
      try {
        parsed = typeof url === 'string' ? new URL(url) : null;
      } catch {
        parsed = null;
      }
      if (!parsed || !/^(https?|wss?):$/.test(parsed.protocol)) {
        errors.push(`server.url: must be an http(s) URL such as http://127.0.0.1:8080 (got ${show(url)})`);
      }
      const token = raw.server.token;
      if (typeof token !== 'string' || token.length === 0) {
        errors.push('server.token: required with a server (the access token the server gave this daemon)');
      }
      if (parsed && typeof token === 'string' && token.length > 0) server = { url: url as string, token };
    }
  }

  const sensors: SensorConfig[] = [];
  if (!Array.isArray(raw.sensors) || raw.sensors.length === 0) {
    errors.push('sensors: give at least one sensor {id, driver, placement, side, name or address}');
  } else {
    raw.sensors.forEach((s, i) => {
      const sensor = parseSensor(s, i, errors);
      if (sensor) sensors.push(sensor);
    });
    const ids = new Set<string>();
    const addresses = new Set<string>();
    sensors.forEach((s) => {
      if (ids.has(s.id)) errors.push(`sensors: id "${s.id}" is used twice`);
      ids.add(s.id);
      if (s.address) {
        if (addresses.has(s.address)) errors.push(`sensors: address ${s.address} is used twice`);
        addresses.add(s.address);
      }
    });
  }
  if (record === null && (raw.server === undefined || raw.server === null)) {
    errors.push(
      'record/server: nothing to do: give a recording path (--record FILE) and/or a server (--server URL)',
    );
  }
  const tuning = parseTuning(raw.tuning, errors);

  if (errors.length > 0) return err(errors);
  const config: IngestConfig = { session: session as string, sensors, record, server, tuning };
  if (subject !== undefined) config.subject = subject;
  if (activity !== undefined) config.activity = activity;
  if (daemonId !== undefined) config.daemonId = daemonId;
  return ok(config);
}

/** Sensors for every device of the recordings a virtual adapter serves (ids made unique). */
export function sensorsFromDevices(devices: readonly DeviceInfo[]): SensorConfig[] {
  const used = new Set<string>();
  return devices.map((d) => {
    let id = d.id;
    for (let n = 2; used.has(id); n++) id = `${d.id}-${n}`;
    used.add(id);
    const sensor: SensorConfig = {
      id,
      driver: d.driver,
      placement: d.placement,
      side: d.side,
      config: { ...d.config },
    };
    if (d.address) sensor.address = d.address.toLowerCase();
    else if (d.name) sensor.name = d.name;
    return sensor;
  });
}

/** A session id from the start time, for when none is given: `session-20261120-100000`. */
export function defaultSessionId(startedAt: Date): string {
  const iso = startedAt.toISOString();
  return `session-${iso.slice(0, 10).replace(/-/g, '')}-${iso.slice(11, 19).replace(/:/g, '')}`;
}
