import type { RecordingLine } from '@hamstream/core';

type Obj = Record<string, unknown>;

// Field order per record type: `type` first, then the spec's order. Fields the spec does not name
// follow in sorted order, so the same content always gives the same bytes.
const KEY_ORDER: Readonly<Record<string, readonly string[]>> = {
  header: ['type', 'format', 'version', 'startedAt', 'subject', 'activity', 'devices'],
  packet: ['type', 't', 'device', 'characteristic', 'data'],
  connect: ['type', 't', 'device', 'reason'],
  disconnect: ['type', 't', 'device', 'reason'],
  mark: ['type', 't', 'activity', 'side'],
  sample: ['type', 't', 'device', 'acc', 'gyro', 'forceN', 'cadenceSpm', 'sensorT'],
};
const DEVICE_KEYS: readonly string[] = ['id', 'driver', 'placement', 'side', 'name', 'address', 'config'];
const KEY_SETS = new Map(Object.entries(KEY_ORDER).map(([type, keys]) => [type, new Set(keys)]));
const DEVICE_KEY_SET = new Set(DEVICE_KEYS);
const TYPE_ONLY: readonly string[] = ['type'];
const TYPE_ONLY_SET = new Set(TYPE_ONLY);

function isPlainObject(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** JSON with object keys sorted at every level: for values whose shape the format does not fix. */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map((x) => (x === undefined ? 'null' : canonicalJson(x))).join(',')}]`;
  if (isPlainObject(v)) {
    const toJSON = v.toJSON;
    if (typeof toJSON === 'function') return canonicalJson(toJSON.call(v));
    const parts: string[] = [];
    for (const k of Object.keys(v).sort()) {
      const x = v[k];
      if (x !== undefined && typeof x !== 'function') parts.push(`${JSON.stringify(k)}:${canonicalJson(x)}`);
    }
    return `{${parts.join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}

function serializeOrdered(
  o: Obj,
  order: readonly string[],
  known: ReadonlySet<string>,
  value: (key: string, v: unknown) => string,
): string {
  let s = '{';
  let first = true;
  for (const k of order) {
    const v = o[k];
    if (v === undefined) continue;
    s += `${first ? '' : ','}${JSON.stringify(k)}:${value(k, v)}`;
    first = false;
  }
  let extra: string[] | null = null;
  for (const k in o) {
    if (known.has(k) || !Object.hasOwn(o, k)) continue;
    if (extra === null) extra = [];
    extra.push(k);
  }
  if (extra) {
    for (const k of extra.sort()) {
      const v = o[k];
      if (v === undefined || typeof v === 'function') continue;
      s += `${first ? '' : ','}${JSON.stringify(k)}:${canonicalJson(v)}`;
      first = false;
    }
  }
  return `${s}}`;
}

function serializeDevice(d: unknown): string {
  return isPlainObject(d)
    ? serializeOrdered(d, DEVICE_KEYS, DEVICE_KEY_SET, (_k, v) => canonicalJson(v))
    : 'null';
}

function headerValue(key: string, v: unknown): string {
  return key === 'devices' && Array.isArray(v) ? `[${v.map(serializeDevice).join(',')}]` : canonicalJson(v);
}

/**
 * One recording line as JSON without the trailing `\n`. Stable key order (`type` first, then the
 * spec's order, then other keys sorted), so the same input always gives byte-identical files.
 */
export function serializeRecordingLine(line: RecordingLine): string {
  const o = line as unknown as Obj;
  const type = o.type;
  // The hot path: a packet with exactly the spec's fields (the daemon writes thousands a second).
  if (type === 'packet') {
    let n = 0;
    for (const _ in o) n++;
    if (
      n === 5 &&
      typeof o.t === 'number' &&
      Number.isFinite(o.t) &&
      typeof o.device === 'string' &&
      typeof o.characteristic === 'string' &&
      typeof o.data === 'string'
    ) {
      return `{"type":"packet","t":${o.t},"device":${JSON.stringify(o.device)},"characteristic":${JSON.stringify(o.characteristic)},"data":${JSON.stringify(o.data)}}`;
    }
  }
  if (type === 'header') return serializeOrdered(o, KEY_ORDER.header!, KEY_SETS.get('header')!, headerValue);
  const order = typeof type === 'string' ? KEY_ORDER[type] : undefined;
  if (order) return serializeOrdered(o, order, KEY_SETS.get(type as string)!, (_k, v) => canonicalJson(v));
  return serializeOrdered(o, TYPE_ONLY, TYPE_ONLY_SET, (_k, v) => canonicalJson(v));
}
