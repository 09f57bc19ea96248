import { readFile } from 'node:fs/promises';
import { type RecordingLabels, SIDES } from '@hamstream/core';
import { LabelsFormatError } from './errors.js';
import { showValue } from './validate.js';

type Obj = Record<string, unknown>;

const SIDE_SET: ReadonlySet<string> = new Set(SIDES);

/** `x.rec.jsonl[.gz]` → `x.labels.json` (the sidecar beside a fixture). */
export function labelsPathFor(recordingPath: string): string {
  const base = recordingPath
    .replace(/\.gz$/, '')
    .replace(/\.jsonl$/, '')
    .replace(/\.rec$/, '');
  return `${base}.labels.json`;
}

function isObject(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Each check returns the first problem as [where, reason], or null. */
type Problem = [where: string, reason: string] | null;

function finite(o: Obj, key: string, where: string): Problem {
  const v = o[key];
  return typeof v === 'number' && Number.isFinite(v)
    ? null
    : [`${where}.${key}`, `must be a number, got ${showValue(v)}`];
}

function finiteOrNull(o: Obj, key: string, where: string, optional: boolean): Problem {
  const v = o[key];
  if (v === null || (optional && v === undefined)) return null;
  return finite(o, key, where);
}

function interval(o: Obj, from: string, to: string, where: string): Problem {
  const p = finite(o, from, where) ?? finite(o, to, where);
  if (p) return p;
  return (o[to] as number) < (o[from] as number)
    ? [`${where}.${to}`, `ends before it starts (${String(o[to])} < ${String(o[from])})`]
    : null;
}

function checkRep(r: unknown, where: string): Problem {
  if (!isObject(r)) return [where, `must be an object, got ${showValue(r)}`];
  return (
    interval(r, 'startS', 'endS', where) ??
    finiteOrNull(r, 'romDeg', where, false) ??
    finiteOrNull(r, 'peakForceN', where, true)
  );
}

function checkSet(s: unknown, where: string): Problem {
  if (!isObject(s)) return [where, `must be an object, got ${showValue(s)}`];
  if (typeof s.device !== 'string' || s.device === '') return [`${where}.device`, 'must be a device id'];
  if (typeof s.activity !== 'string' || s.activity === '')
    return [`${where}.activity`, 'must be an activity name'];
  if (s.side !== undefined && (typeof s.side !== 'string' || !SIDE_SET.has(s.side))) {
    return [`${where}.side`, `must be one of ${SIDES.join(', ')}, got ${showValue(s.side)}`];
  }
  const p = interval(s, 'startS', 'endS', where);
  if (p) return p;
  if (!Array.isArray(s.reps)) return [`${where}.reps`, `must be an array, got ${showValue(s.reps)}`];
  for (let i = 0; i < s.reps.length; i++) {
    const rp = checkRep(s.reps[i], `${where}.reps[${i}]`);
    if (rp) return rp;
  }
  return null;
}

function checkCadence(c: unknown, where: string): Problem {
  if (!isObject(c)) return [where, `must be an object, got ${showValue(c)}`];
  const p = interval(c, 'fromS', 'toS', where) ?? finite(c, 'spm', where);
  if (p) return p;
  if (c.device !== undefined && typeof c.device !== 'string')
    return [`${where}.device`, 'must be a device id'];
  return null;
}

/** Validates a labels document; `file` only names it in errors. */
export function parseLabelsObject(value: unknown, file: string): RecordingLabels {
  const fail = (p: [string, string]): never => {
    throw new LabelsFormatError(file, p[0], p[1]);
  };
  if (!isObject(value)) return fail(['', `expected a JSON object, got ${showValue(value)}`]);
  if (!Array.isArray(value.sets)) return fail(['sets', `must be an array, got ${showValue(value.sets)}`]);
  for (let i = 0; i < value.sets.length; i++) {
    const p = checkSet(value.sets[i], `sets[${i}]`);
    if (p) fail(p);
  }
  if (value.cadence !== undefined) {
    if (!Array.isArray(value.cadence)) fail(['cadence', `must be an array, got ${showValue(value.cadence)}`]);
    const cadence = value.cadence as unknown[];
    for (let i = 0; i < cadence.length; i++) {
      const p = checkCadence(cadence[i], `cadence[${i}]`);
      if (p) fail(p);
    }
  }
  if (value.provenance !== undefined && !isObject(value.provenance)) {
    fail(['provenance', `must be an object, got ${showValue(value.provenance)}`]);
  }
  return value as RecordingLabels;
}

/** Reads and validates a `NAME.labels.json` sidecar. Errors (LabelsFormatError) name the file. */
export async function readLabels(path: string): Promise<RecordingLabels> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new LabelsFormatError(path, '', `cannot read (${code ?? String(e)})`, { cause: e });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new LabelsFormatError(path, '', `not JSON: ${e instanceof Error ? e.message : String(e)}`, {
      cause: e,
    });
  }
  return parseLabelsObject(value, path);
}
