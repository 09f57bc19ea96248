import {
  type ConnectEvent,
  type DeviceConfig,
  type DeviceInfo,
  type DisconnectEvent,
  err,
  type MarkEvent,
  ok,
  type PacketEvent,
  PLACEMENTS,
  RECORDING_FORMAT,
  RECORDING_VERSION,
  type RecordingEvent,
  type RecordingHeader,
  type Result,
  type SampleEvent,
  SIDES,
} from '@hamstream/core';
import type { RecordingIssue, RecordingIssueCode } from './errors.js';

/** What the validators may know about the surrounding recording. */
export interface EventContext {
  /** Device ids declared in the header; when given, an event naming another device is invalid. */
  knownDevices?: ReadonlySet<string>;
  /** Unknown event types are errors rather than ignorable extensions. */
  strict?: boolean;
}

export interface HeaderOptions {
  /** When given, a device with another driver is invalid. */
  knownDrivers?: ReadonlySet<string>;
}

/** The outcome of looking at one event object; unknown types are neither valid nor errors (spec: readers ignore them). */
export type EventClassification =
  | { kind: 'event'; event: RecordingEvent }
  | { kind: 'unknown-type'; type: string }
  | { kind: 'invalid'; issue: RecordingIssue };

type Obj = Record<string, unknown>;

const CHARACTERISTIC_RE = /^(?:[0-9a-f]{4}|[0-9a-f]{32})$/;
const LOWER_HEX_RE = /^[0-9a-f]*$/;
const ISO_UTC_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z$/;
const SIDE_SET: ReadonlySet<string> = new Set(SIDES);
const PLACEMENT_SET: ReadonlySet<string> = new Set(PLACEMENTS);

function isObject(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isFiniteNumber(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}

/** A value as it appears in an error message, cut short: a bad line may be megabytes long. */
export function showValue(v: unknown): string {
  let s: string;
  try {
    s = v === undefined ? 'nothing' : (JSON.stringify(v) ?? String(v));
  } catch {
    s = String(v);
  }
  return s.length > 48 ? `${s.slice(0, 45)}...` : s;
}

function issue(code: RecordingIssueCode, message: string): { kind: 'invalid'; issue: RecordingIssue } {
  return { kind: 'invalid', issue: { code, message } };
}

/** Why `data` is not lowercase hex of even length, or null when it is. */
function hexProblem(data: string): string | null {
  if (LOWER_HEX_RE.test(data)) {
    return data.length % 2 === 0 ? null : `odd number of hex digits (${data.length})`;
  }
  return /^[0-9a-fA-F]*$/.test(data) ? 'uppercase hex (must be lowercase)' : 'not hex';
}

function checkVector(o: Obj, key: 'acc' | 'gyro'): string | null {
  const v = o[key];
  if (v === undefined) return null;
  if (!Array.isArray(v) || v.length !== 3 || !v.every(isFiniteNumber)) {
    return `"${key}" must be [x, y, z] of finite numbers, got ${showValue(v)}`;
  }
  return null;
}

function checkOptionalNumber(o: Obj, key: string): string | null {
  const v = o[key];
  if (v === undefined || isFiniteNumber(v)) return null;
  return `"${key}" must be a finite number, got ${showValue(v)}`;
}

function checkDevice(o: Obj, ctx: EventContext): { kind: 'invalid'; issue: RecordingIssue } | null {
  const device = o.device;
  if (typeof device !== 'string' || device === '') {
    return issue('bad-device', `"device" must be a device id, got ${showValue(device)}`);
  }
  if (ctx.knownDevices && !ctx.knownDevices.has(device)) {
    return issue('unknown-device', `device ${showValue(device)} is not declared in the header`);
  }
  return null;
}

/**
 * Validates one event object. Unknown fields are kept but not interpreted; `t` ordering needs the
 * previous event and is checked by the reader and writer.
 */
export function classifyEventObject(value: unknown, ctx: EventContext = {}): EventClassification {
  if (!isObject(value)) return issue('not-object', `expected a JSON object, got ${showValue(value)}`);
  const type = value.type;
  if (typeof type !== 'string') return issue('missing-type', `missing "type" (got ${showValue(type)})`);
  if (type === 'header') return issue('unexpected-header', 'a second header; only line 1 may be a header');
  const known =
    type === 'packet' || type === 'connect' || type === 'disconnect' || type === 'mark' || type === 'sample';
  if (!known) {
    return ctx.strict
      ? issue('unknown-type', `unknown event type ${showValue(type)}`)
      : { kind: 'unknown-type', type };
  }
  const t = value.t;
  if (!isFiniteNumber(t)) {
    return issue('bad-t', `"t" must be a finite number (ms since startedAt), got ${showValue(t)}`);
  }
  switch (type) {
    case 'packet': {
      const bad = checkDevice(value, ctx);
      if (bad) return bad;
      const c = value.characteristic;
      if (typeof c !== 'string' || !CHARACTERISTIC_RE.test(c)) {
        return issue(
          'bad-characteristic',
          `"characteristic" must be a noble UUID (lowercase hex, 4 or 32 digits), got ${showValue(c)}`,
        );
      }
      const data = value.data;
      if (typeof data !== 'string')
        return issue('bad-hex', `"data" must be a hex string, got ${showValue(data)}`);
      const problem = hexProblem(data);
      if (problem) return issue('bad-hex', `bad hex in "data": ${problem}: ${showValue(data)}`);
      return { kind: 'event', event: value as unknown as PacketEvent };
    }
    case 'connect':
    case 'disconnect': {
      const bad = checkDevice(value, ctx);
      if (bad) return bad;
      if (value.reason !== undefined && typeof value.reason !== 'string') {
        return issue('bad-field', `"reason" must be a string, got ${showValue(value.reason)}`);
      }
      return { kind: 'event', event: value as unknown as ConnectEvent | DisconnectEvent };
    }
    case 'mark': {
      const a = value.activity;
      if (a !== null && (typeof a !== 'string' || a === '')) {
        return issue('bad-field', `"activity" must be an activity name or null, got ${showValue(a)}`);
      }
      const side = value.side;
      if (side !== undefined && (typeof side !== 'string' || !SIDE_SET.has(side))) {
        return issue('bad-field', `"side" must be one of ${SIDES.join(', ')}, got ${showValue(side)}`);
      }
      return { kind: 'event', event: value as unknown as MarkEvent };
    }
    case 'sample': {
      const bad = checkDevice(value, ctx);
      if (bad) return bad;
      const problem =
        checkVector(value, 'acc') ??
        checkVector(value, 'gyro') ??
        checkOptionalNumber(value, 'forceN') ??
        checkOptionalNumber(value, 'cadenceSpm') ??
        checkOptionalNumber(value, 'sensorT');
      if (problem) return issue('bad-field', problem);
      if (
        value.acc === undefined &&
        value.gyro === undefined &&
        value.forceN === undefined &&
        value.cadenceSpm === undefined
      ) {
        return issue('bad-field', 'a sample needs at least one of "acc", "gyro", "forceN", "cadenceSpm"');
      }
      return { kind: 'event', event: value as unknown as SampleEvent };
    }
  }
}

/**
 * Validates one event object (e.g. one arriving over socket.io). An unknown `type` is always an
 * error here, strict or not: there is no typed event to return. Use `classifyEventObject` to tell
 * an ignorable extension from a broken event.
 */
export function parseEventObject(value: unknown, ctx: EventContext = {}): Result<RecordingEvent, string> {
  const c = classifyEventObject(value, ctx);
  switch (c.kind) {
    case 'event':
      return ok(c.event);
    case 'unknown-type':
      return err(`unknown event type ${showValue(c.type)}`);
    case 'invalid':
      return err(c.issue.message);
  }
}

function checkConfig(v: unknown, where: string): string | null {
  if (!isObject(v)) return `${where}: "config" must be an object, got ${showValue(v)}`;
  for (const key of ['rateHz', 'accRangeG', 'gyroRangeDps'] as const) {
    const n = v[key];
    if (n !== undefined && !(isFiniteNumber(n) && n > 0)) {
      return `${where}: config.${key} must be a positive number, got ${showValue(n)}`;
    }
  }
  if (v.model !== undefined && typeof v.model !== 'string') {
    return `${where}: config.model must be a string, got ${showValue(v.model)}`;
  }
  const m = v.measurements;
  if (m !== undefined && !(Array.isArray(m) && m.every((x) => typeof x === 'string'))) {
    return `${where}: config.measurements must be an array of strings, got ${showValue(m)}`;
  }
  const cu = v.cadenceUnit;
  if (cu !== undefined && cu !== 'steps' && cu !== 'strides') {
    return `${where}: config.cadenceUnit must be "steps" or "strides", got ${showValue(cu)}`;
  }
  return null;
}

type HeaderCheck = { kind: 'header'; header: RecordingHeader } | { kind: 'invalid'; issue: RecordingIssue };

function checkDeviceInfo(
  d: unknown,
  index: number,
  seen: Set<string>,
  opts: HeaderOptions,
): { device: DeviceInfo } | { issue: RecordingIssue } {
  const bad = (message: string, code: RecordingIssueCode = 'bad-header') => ({ issue: { code, message } });
  if (!isObject(d)) return bad(`devices[${index}] must be an object, got ${showValue(d)}`);
  const id = d.id;
  if (typeof id !== 'string' || id === '') return bad(`devices[${index}].id must be a non-empty string`);
  const where = `device ${showValue(id)}`;
  if (seen.has(id)) return bad(`${where}: duplicate device id`);
  seen.add(id);
  const driver = d.driver;
  if (typeof driver !== 'string' || driver === '') {
    return bad(`${where}: "driver" must be a driver id, got ${showValue(driver)}`);
  }
  if (opts.knownDrivers && !opts.knownDrivers.has(driver)) {
    const known = [...opts.knownDrivers].sort().join(', ');
    return bad(`${where}: unknown driver ${showValue(driver)} (known: ${known})`, 'unknown-driver');
  }
  if (typeof d.placement !== 'string' || !PLACEMENT_SET.has(d.placement)) {
    return bad(
      `${where}: "placement" must be one of ${PLACEMENTS.join(', ')}, got ${showValue(d.placement)}`,
    );
  }
  if (typeof d.side !== 'string' || !SIDE_SET.has(d.side)) {
    return bad(`${where}: "side" must be one of ${SIDES.join(', ')}, got ${showValue(d.side)}`);
  }
  for (const key of ['name', 'address'] as const) {
    if (d[key] !== undefined && typeof d[key] !== 'string') {
      return bad(`${where}: "${key}" must be a string, got ${showValue(d[key])}`);
    }
  }
  // A missing config means "nothing asked for"; keep the typed contract (config always present).
  if (d.config === undefined)
    return { device: { ...d, config: {} as DeviceConfig } as unknown as DeviceInfo };
  const configProblem = checkConfig(d.config, where);
  if (configProblem) return bad(configProblem);
  return { device: d as unknown as DeviceInfo };
}

/** Header validation with an issue code (the reader needs the code for `skippedByReason` and errors). */
export function checkHeaderObject(value: unknown, opts: HeaderOptions = {}): HeaderCheck {
  if (!isObject(value)) return issue('missing-header', `expected the header object, got ${showValue(value)}`);
  if (value.type !== 'header') {
    return typeof value.type === 'string'
      ? issue('missing-header', `missing header: line 1 is a ${showValue(value.type)} event`)
      : issue('missing-header', 'missing header: line 1 has no "type": "header"');
  }
  if (value.format !== RECORDING_FORMAT) {
    return issue('bad-header', `"format" must be "${RECORDING_FORMAT}", got ${showValue(value.format)}`);
  }
  if (value.version !== RECORDING_VERSION) {
    return issue(
      'bad-header',
      `unsupported version ${showValue(value.version)} (this reader knows version ${RECORDING_VERSION})`,
    );
  }
  const startedAt = value.startedAt;
  if (typeof startedAt !== 'string' || !ISO_UTC_RE.test(startedAt) || Number.isNaN(Date.parse(startedAt))) {
    return issue(
      'bad-header',
      `"startedAt" must be an ISO 8601 UTC time like 2026-11-20T10:00:00.000Z, got ${showValue(startedAt)}`,
    );
  }
  if (value.subject !== undefined && typeof value.subject !== 'string') {
    return issue('bad-header', `"subject" must be a string, got ${showValue(value.subject)}`);
  }
  if (value.activity !== undefined && (typeof value.activity !== 'string' || value.activity === '')) {
    return issue('bad-header', `"activity" must be an activity name, got ${showValue(value.activity)}`);
  }
  if (!Array.isArray(value.devices)) {
    return issue('bad-header', `"devices" must be an array, got ${showValue(value.devices)}`);
  }
  const seen = new Set<string>();
  const devices: DeviceInfo[] = [];
  let copied = false;
  for (let i = 0; i < value.devices.length; i++) {
    const original: unknown = value.devices[i];
    const r = checkDeviceInfo(original, i, seen, opts);
    if ('issue' in r) return { kind: 'invalid', issue: r.issue };
    if (r.device !== original) copied = true;
    devices.push(r.device);
  }
  const header = (copied ? { ...value, devices } : value) as unknown as RecordingHeader;
  return { kind: 'header', header };
}

/** Validates a header object: format/version, ISO `startedAt`, unique device ids, placements, sides, config. */
export function parseHeaderObject(value: unknown, opts: HeaderOptions = {}): Result<RecordingHeader, string> {
  const c = checkHeaderObject(value, opts);
  return c.kind === 'header' ? ok(c.header) : err(c.issue.message);
}
