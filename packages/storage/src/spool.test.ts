import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from './logger.js';
import { blockFromLines, blockLines, decodeSegment, Spool } from './spool.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'hamstream-spool-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const lines = (prefix: string, n: number) => Array.from({ length: n }, (_, k) => `m,t=${prefix} v=${k} ${k}`);
const open = async (maxBytes = 1 << 20, segmentBytes = 4096) => {
  const spool = new Spool({ dir, maxBytes, segmentBytes, logger: silentLogger });
  await spool.open();
  return spool;
};

describe('spool', () => {
  it('returns blocks oldest first, with prepended blocks before everything', async () => {
    const spool = await open();
    spool.append(blockFromLines('autogen', lines('b', 3)));
    spool.append(blockFromLines('traces', lines('c', 2)));
    spool.prepend(blockFromLines('autogen', lines('a', 1)));
    const seen: string[] = [];
    for (let seg = await spool.takeOldest(); seg; seg = await spool.takeOldest()) {
      for (const b of seg.blocks)
        seen.push(
          `${b.rp}:${blockLines(b)
            .map((l) => l.split(' ')[0])
            .join('|')}`,
        );
      await spool.complete(seg.seq);
    }
    expect(seen).toEqual(['autogen:m,t=a', 'autogen:m,t=b|m,t=b|m,t=b', 'traces:m,t=c|m,t=c']);
    expect(spool.isEmpty()).toBe(true);
    expect(await readdir(dir)).toEqual([]);
  });

  it('appends racing with takeOldest are never lost (seal before read)', async () => {
    const spool = await open(1 << 20, 1 << 20);
    spool.append(blockFromLines('autogen', lines('x', 10)));
    const taking = spool.takeOldest();
    // queued after the take started: must land in a new segment, not in the one being read
    spool.append(blockFromLines('autogen', lines('y', 5)));
    const first = await taking;
    expect(first?.points).toBe(10);
    expect(first?.blocks.flatMap((b) => blockLines(b))).toHaveLength(10);
    await spool.complete(first?.seq ?? 0);
    const second = await spool.takeOldest();
    expect(second?.blocks.flatMap((b) => blockLines(b))).toHaveLength(5);
  });

  it('drops the oldest segments beyond maxBytes and counts their points', async () => {
    const spool = await open(2000, 500);
    for (let k = 0; k < 100; k++) spool.append(blockFromLines('autogen', lines(`k${k}`, 2)));
    await spool.settled();
    const st = spool.stats();
    expect(st.bytes).toBeLessThanOrEqual(2000);
    expect(st.droppedSegments).toBeGreaterThan(0);
    expect(st.points + st.droppedPoints).toBe(200);
    // what survives is the newest data
    const seg = await spool.takeOldest();
    const firstKept = Number(
      /t=k(\d+)/.exec(blockLines(seg?.blocks[0] ?? blockFromLines('autogen', []))[0] ?? '')?.[1],
    );
    expect(firstKept).toBeGreaterThan(0);
  });

  it('a batch larger than the whole spool is dropped and counted', async () => {
    const spool = await open(100, 100);
    expect(spool.append(blockFromLines('autogen', lines('big', 20)))).toBe(false);
    expect(spool.stats()).toMatchObject({ points: 0, droppedPoints: 20 });
  });

  it('adopts segments from an earlier run and ignores a torn last line', async () => {
    await writeFile(path.join(dir, '0000001000000005.lp'), '#rp=traces n=2\nm v=1 1\nm v=2 2\n');
    await writeFile(path.join(dir, '0000001000000007.lp'), '#rp=autogen n=2\nm v=3 3\nm v=4');
    const spool = await open();
    expect(spool.stats().segments).toBe(2);
    const a = await spool.takeOldest();
    expect(a?.blocks).toEqual([blockFromLines('traces', ['m v=1 1', 'm v=2 2'])]);
    await spool.complete(a?.seq ?? 0);
    const b = await spool.takeOldest();
    expect(b?.blocks).toEqual([blockFromLines('autogen', ['m v=3 3'])]);
    // new appends continue after the adopted ones
    spool.append(blockFromLines('autogen', ['m v=5 5']));
    await spool.settled();
    expect((await readdir(dir)).sort().at(-1)).toBe('0000001000000008.lp');
  });

  it('decodeSegment keeps block boundaries and retention policies', () => {
    expect(decodeSegment('#rp=autogen n=1\na 1\n#rp=traces n=2\nb 1\nc 1\n')).toEqual([
      blockFromLines('autogen', ['a 1']),
      blockFromLines('traces', ['b 1', 'c 1']),
    ]);
  });

  it('decodeSegment counts the lines present: blank lines, stray text before a header, empty blocks', () => {
    expect(
      decodeSegment('junk\n#rp=traces n=3\nb 1\n\nc 1\n#rp=autogen n=1\n#rp=autogen n=1\nd 1\n'),
    ).toEqual([blockFromLines('traces', ['b 1', 'c 1']), blockFromLines('autogen', ['d 1'])]);
    expect(decodeSegment('no header\n')).toEqual([]);
    expect(decodeSegment('')).toEqual([]);
  });
});
