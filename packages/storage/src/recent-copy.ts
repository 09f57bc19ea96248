import { readFile, writeFile } from 'node:fs/promises';
import { gunzipSync, gzipSync } from 'node:zlib';

/**
 * Writes a copy of a gzipped recording whose header says it was recorded `daysAgo` days ago at 10:00
 * UTC (events keep their times relative to it). For tests and demos of trace storage: the `traces`
 * retention policy refuses points older than its 30 days, and fixtures were recorded months ago.
 */
export async function writeRecentCopy(src: string, dest: string, daysAgo = 1): Promise<void> {
  const text = gunzipSync(await readFile(src)).toString('utf8');
  const nl = text.indexOf('\n');
  const header = JSON.parse(text.slice(0, nl)) as { startedAt: string };
  const now = new Date();
  header.startedAt = new Date(
    Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() - daysAgo, 10),
  ).toISOString();
  await writeFile(dest, gzipSync(`${JSON.stringify(header)}${text.slice(nl)}`));
}
