import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import type { RecordingEvent, RecordingLabels } from '@hamstream/core';
import { labelsPathFor, serializeRecordingLine } from '@hamstream/recording';
import type { GeneratedRecording } from './scenarios.js';

const vec = (v: readonly number[]): string => `[${v[0]},${v[1]},${v[2]}]`;

/**
 * `serializeRecordingLine` for the common imported sample (t, device, acc and/or gyro, nothing
 * else), which is most of an imported file: same bytes, without the generic key-ordering path.
 * Anything else goes through the recording package. A test holds the two to the same output.
 */
export function serializeLine(e: RecordingEvent): string {
  if (e.type === 'sample') {
    let keys = 0;
    for (const _ in e) keys++;
    const expected = 3 + (e.acc ? 1 : 0) + (e.gyro ? 1 : 0);
    if (keys === expected && Number.isFinite(e.t) && (e.acc || e.gyro)) {
      const parts = [`{"type":"sample","t":${e.t},"device":${JSON.stringify(e.device)}`];
      if (e.acc && e.acc.length === 3 && e.acc.every(Number.isFinite)) parts.push(`"acc":${vec(e.acc)}`);
      else if (e.acc) return serializeRecordingLine(e);
      if (e.gyro && e.gyro.length === 3 && e.gyro.every(Number.isFinite)) parts.push(`"gyro":${vec(e.gyro)}`);
      else if (e.gyro) return serializeRecordingLine(e);
      return `${parts.join(',')}}`;
    }
  }
  return serializeRecordingLine(e);
}

/** The recording as JSON Lines (header first, `\n` after every line), byte-stable. */
export function recordingText(rec: Pick<GeneratedRecording, 'header' | 'events'>): string {
  const lines = [serializeRecordingLine(rec.header)];
  for (const e of rec.events) lines.push(serializeLine(e));
  return `${lines.join('\n')}\n`;
}

/**
 * Pretty JSON where every object or array that holds only scalars stays on one line (a rep per
 * line), so labels are readable and diffable. Key order is insertion order (the generator's).
 */
export function formatLabelsJson(value: unknown, indent = ''): string {
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    if (value.every((v) => typeof v !== 'object' || v === null)) return JSON.stringify(value);
    return `[\n${value.map((v) => inner + formatLabelsJson(v, inner)).join(',\n')}\n${indent}]`;
  }
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined);
    if (entries.length === 0) return '{}';
    if (entries.every(([, v]) => typeof v !== 'object' || v === null))
      return JSON.stringify(Object.fromEntries(entries));
    return `{\n${entries.map(([k, v]) => `${inner}${JSON.stringify(k)}: ${formatLabelsJson(v, inner)}`).join(',\n')}\n${indent}}`;
  }
  return JSON.stringify(value);
}

export function labelsText(labels: RecordingLabels): string {
  return `${formatLabelsJson(labels)}\n`;
}

/**
 * Writes `file` (gzip when it ends in `.gz`, deterministic: no name or mtime in the gzip header;
 * level 9 by default, as the committed fixtures use)
 * and its `.labels.json` sidecar. Returns both paths.
 */
export async function writeGeneratedRecording(
  file: string,
  rec: GeneratedRecording,
  options: { gzipLevel?: number } = {},
): Promise<{ recordingPath: string; labelsPath: string }> {
  await mkdir(path.dirname(path.resolve(file)), { recursive: true });
  const text = recordingText(rec);
  const body = file.endsWith('.gz')
    ? gzipSync(Buffer.from(text, 'utf8'), { level: options.gzipLevel ?? 9 })
    : Buffer.from(text, 'utf8');
  await writeFile(file, body);
  const labelsPath = labelsPathFor(file);
  await writeFile(labelsPath, labelsText(rec.labels));
  return { recordingPath: file, labelsPath };
}
