import { type FieldType, MEASUREMENTS, type MeasurementDef, type StoragePoint, TAG_NAMES } from './schema.js';

/**
 * InfluxDB 1.x line protocol, written by hand rather than through `influx.writePoints` because the
 * spool must hold the exact bytes that will be sent (so a replay after an outage is byte-identical
 * to the original attempt) and because the canonical tag order makes a point's text its identity.
 */

const TAG_SPECIAL = /[,= \\\n\r]/;
const MEASUREMENT_SPECIAL = /[, \\\n\r]/;

/** Tag keys/values and field keys: escape comma, equals, space; newlines can't be escaped, so they become spaces. */
export function escapeTag(value: string): string {
  if (!TAG_SPECIAL.test(value)) return value;
  return value.replace(/[\n\r]/g, ' ').replace(/([,= \\])/g, '\\$1');
}

export function escapeMeasurement(value: string): string {
  if (!MEASUREMENT_SPECIAL.test(value)) return value;
  return value.replace(/[\n\r]/g, ' ').replace(/([, \\])/g, '\\$1');
}

export function escapeStringField(value: string): string {
  return `"${value.replace(/[\n\r]/g, ' ').replace(/(["\\])/g, '\\$1')}"`;
}

const tagOrder = TAG_NAMES;

/**
 * Series key cache: builders share one tags object across all points of a device/set (a trace chunk
 * is thousands of points with the same tags), so the escaped `measurement,tag=…` prefix is built
 * once per tags object. Tags objects are therefore treated as immutable once written.
 */
const seriesKeys = new WeakMap<object, Map<string, string>>();

function seriesKey(point: StoragePoint): string {
  let byMeasurement = seriesKeys.get(point.tags);
  if (!byMeasurement) {
    byMeasurement = new Map();
    seriesKeys.set(point.tags, byMeasurement);
  }
  let key = byMeasurement.get(point.measurement);
  if (key === undefined) {
    key = escapeMeasurement(point.measurement);
    for (const name of tagOrder) {
      const v = point.tags[name];
      if (v !== undefined && v !== '') key += `,${name}=${escapeTag(v)}`;
    }
    byMeasurement.set(point.measurement, key);
  }
  return key;
}

/** A field name as written (`name=`, escaped) and its declared type, per measurement and name. */
interface FieldSlot {
  readonly prefix: string;
  readonly type: FieldType | undefined;
}

const fieldSlots = new Map<string, Map<string, FieldSlot>>();

function fieldSlot(measurement: string, def: MeasurementDef | undefined, name: string): FieldSlot {
  let byName = fieldSlots.get(measurement);
  if (!byName) {
    byName = new Map();
    fieldSlots.set(measurement, byName);
  }
  let slot = byName.get(name);
  if (slot === undefined) {
    slot = { prefix: `${escapeTag(name)}=`, type: def?.fields[name]?.type };
    byName.set(name, slot);
  }
  return slot;
}

/**
 * One point → one line, or null if it has no writable field (all null/NaN) or a bad timestamp.
 * Tags are emitted in sorted key order (InfluxDB's canonical series key), empty ones omitted.
 * Fields follow the point's own key order (the builders use the definition's); integers get the `i`
 * suffix. This runs for every point on the live path, so the escaped series key and field names
 * are cached and a line is built with one concatenation per field.
 */
export function toLine(point: StoragePoint): string | null {
  if (!Number.isSafeInteger(point.timeUs)) return null;
  const measurement = point.measurement;
  const def: MeasurementDef | undefined = MEASUREMENTS[measurement];
  const fields = point.fields;
  let text = '';
  for (const name in fields) {
    const v = fields[name];
    if (v === null || v === undefined) continue;
    const slot = fieldSlot(measurement, def, name);
    let value: string;
    if (typeof v === 'number') {
      if (!Number.isFinite(v)) continue;
      value =
        slot.type === 'integer'
          ? `${Math.round(v)}i`
          : slot.type === 'string'
            ? escapeStringField(String(v))
            : `${v}`;
    } else {
      value = escapeStringField(v);
    }
    text = text === '' ? slot.prefix + value : `${text},${slot.prefix}${value}`;
  }
  if (text === '') return null;
  return `${seriesKey(point)} ${text} ${point.timeUs}`;
}

/** Series key + timestamp of a line: what InfluxDB uses as the point's identity. */
export function lineIdentity(line: string): string {
  // Unescaped spaces separate series key, fields and timestamp.
  let firstSpace = -1;
  for (let k = 0; k < line.length; k++) {
    const c = line.charCodeAt(k);
    if (c === 92 /* \ */) {
      k++;
      continue;
    }
    if (c === 32) {
      firstSpace = k;
      break;
    }
  }
  const lastSpace = line.lastIndexOf(' ');
  return `${line.slice(0, firstSpace)} ${line.slice(lastSpace + 1)}`;
}
