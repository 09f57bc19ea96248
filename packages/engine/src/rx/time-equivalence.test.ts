import type { AnalyzeOutput, RecordingEvent } from '@hamstream/core';
import { concatMap, from, lastValueFrom, map, timer, toArray } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import { createAnalyzer } from '../analyzer.js';
import { loadFixture } from '../test-support/fixture.js';
import type { EngineUpdate } from '../types.js';
import { analyzeEvents } from './analyze-events.js';
import { collectAnalyzeOutput } from './collect-analyze-output.js';

/**
 * "Time comes from the data": the same events replayed at real pace (each delivered at its own `t` on a
 * virtual-time scheduler, as the live server receives them) and at full speed give identical updates
 * and an identical analyze document, every number.
 */
describe.each([
  // Polar Verity Sense: sensor clock, ACC/GYRO pairing, a disconnect.
  'standing-hamstring-curl_polar-pmd_shank_hard.rec.jsonl.gz',
  // WitMotion (host clock with lookahead) + Tindeq: loss, stalls, split records, a disconnect.
  'nordic-curl_witmotion-wt901+tindeq-progressor_thigh+handle_hard.rec.jsonl.gz',
])('real pace = full speed: %s', (name) => {
  const { header, events } = loadFixture(name);

  it('gives identical updates and output', async () => {
    const fullUpdates = await lastValueFrom(from(events).pipe(analyzeEvents(header), toArray()));
    const fullOutput = await lastValueFrom(
      from(events).pipe(analyzeEvents(header), collectAnalyzeOutput(header)),
    );

    const scheduler = new TestScheduler((a, b) => expect(a).toEqual(b));
    let pacedUpdates: EngineUpdate[] = [];
    let pacedOutput: AnalyzeOutput | null = null;
    let finishedAtMs = -1;
    scheduler.run(({ flush }) => {
      // Each event is delivered when the clock reaches its `t` (one timer pending at a time).
      const paced = from(events).pipe(
        concatMap((e: RecordingEvent) => timer(Math.max(0, e.t - scheduler.now())).pipe(map(() => e))),
      );
      paced.pipe(analyzeEvents(header), toArray()).subscribe((u) => {
        pacedUpdates = u;
        finishedAtMs = scheduler.now();
      });
      paced.pipe(analyzeEvents(header), collectAnalyzeOutput(header)).subscribe((o) => {
        pacedOutput = o;
      });
      flush();
    });

    // The paced replay really took the recording's duration of (virtual) time.
    expect(finishedAtMs).toBeCloseTo(events[events.length - 1]!.t, 6);
    expect(pacedUpdates.length).toBe(fullUpdates.length);
    expect(pacedUpdates).toEqual(fullUpdates);
    expect(pacedOutput).toEqual(fullOutput);
    // And the document is not trivially empty.
    expect(fullOutput.sets.some((s) => s.repCount > 0)).toBe(true);
  });

  it('`hamstream analyze` (no display, larger batches and release chunks) gives the live document', () => {
    const live = createAnalyzer(header);
    const batch = createAnalyzer(header, { display: false });
    for (const e of events) {
      live.push(e);
      batch.push(e);
    }
    live.finish();
    batch.finish();
    expect(batch.output()).toEqual(live.output());
  });
});
