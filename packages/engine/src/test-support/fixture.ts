import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import type { RecordingEvent, RecordingHeader } from '@hamstream/core';

export const FIXTURES_DIR = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../../../fixtures',
);

/**
 * Reads a committed fixture (small files only). The engine does no recording I/O; tests read the
 * JSON lines directly rather than depend on @hamstream/recording. Test support only.
 */
export function loadFixture(name: string): { header: RecordingHeader; events: RecordingEvent[] } {
  const raw = readFileSync(path.join(FIXTURES_DIR, name));
  const text = (name.endsWith('.gz') ? gunzipSync(raw) : raw).toString('utf8');
  const lines = text.split('\n').filter((l) => l.length > 0);
  const header = JSON.parse(lines[0]!) as RecordingHeader;
  const events = lines.slice(1).map((l) => JSON.parse(l) as RecordingEvent);
  return { header, events };
}
