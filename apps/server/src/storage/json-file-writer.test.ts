import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { JsonFileWriter } from './json-file-writer.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hamstream-json-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('JsonFileWriter', () => {
  it('completes writes awaited one after another (a write right after the last one settled)', async () => {
    const w = new JsonFileWriter();
    const path = join(dir, 'a.json');
    for (let i = 0; i < 20; i++) await w.write(path, { i });
    expect(JSON.parse(await readFile(path, 'utf8'))).toEqual({ i: 19 });
  });

  it('coalesces a burst: the latest value wins and every caller is answered', async () => {
    const w = new JsonFileWriter();
    const path = join(dir, 'b.json');
    await Promise.all(Array.from({ length: 50 }, (_, i) => w.write(path, { i })));
    await w.drain();
    expect(JSON.parse(await readFile(path, 'utf8'))).toEqual({ i: 49 });
  });
});
