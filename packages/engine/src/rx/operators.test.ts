import type { RecordingEvent, RecordingHeader } from '@hamstream/core';
import { from, lastValueFrom, map, toArray } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import { createAnalyzer } from '../analyzer.js';
import { packet, RSC_MEASUREMENT, rscMeasurement } from '../test-support/encode.js';
import { loadFixture } from '../test-support/fixture.js';
import type { EngineUpdate } from '../types.js';
import { analyzeEvents } from './analyze-events.js';
import { collectAnalyzeOutput } from './collect-analyze-output.js';

const header: RecordingHeader = {
  type: 'header',
  format: 'hamstream.recording',
  version: 1,
  startedAt: '2026-11-20T10:00:00.000Z',
  activity: 'run',
  devices: [
    { id: 'F', driver: 'ble-rsc', placement: 'foot', side: 'left', config: { cadenceUnit: 'steps' } },
  ],
};
const ev = (k: number): RecordingEvent => packet(k * 1000, 'F', RSC_MEASUREMENT, rscMeasurement(3, 170));

function scheduler() {
  return new TestScheduler((a, b) => expect(a).toEqual(b));
}

describe('analyzeEvents', () => {
  // A footpod notifies once per second; a clock-less notification is timed once the next one has come
  // (host-clock lookahead), so its set-start and cadence appear with the following event. Live
  // configuration (the default): batch analysis (`display: false`) also holds notifications for runs of
  // 2 s, so its updates come later (the same document, tested in time-equivalence.test.ts).
  const live = { display: { angleHz: 30, forceHz: 30 } };
  const types = map((u: EngineUpdate) => u.type);

  it('emits updates in the frame of the event that caused them (no timers of its own), finishing on completion', () => {
    scheduler().run(({ cold, expectObservable }) => {
      const events = cold('a 999ms b 999ms |', { a: ev(0), b: ev(1) });
      expectObservable(events.pipe(analyzeEvents(header, live), types)).toBe('q 999ms (scq) 995ms (ceqz|)', {
        q: 'quality',
        s: 'set-start',
        c: 'cadence',
        e: 'set-end',
        z: 'end',
      });
    });
  });

  it('passes source errors through without finishing the analysis', () => {
    scheduler().run(({ cold, expectObservable }) => {
      const events = cold('a #', { a: ev(0) }, new Error('socket closed'));
      expectObservable(events.pipe(analyzeEvents(header, live), types)).toBe(
        'q #',
        { q: 'quality' },
        new Error('socket closed'),
      );
    });
  });

  it('unsubscribes from the source when the consumer does', () => {
    scheduler().run(({ hot, expectObservable, expectSubscriptions }) => {
      const events = hot('a 999ms b 999ms c 999ms |', { a: ev(0), b: ev(1), c: ev(2) });
      expectObservable(events.pipe(analyzeEvents(header, live), types), '^ 1500ms !').toBe('q 999ms (scq)', {
        q: 'quality',
        s: 'set-start',
        c: 'cadence',
      });
      expectSubscriptions(events.subscriptions).toBe('^ 1500ms !');
    });
  });

  it('gives each subscription its own analyzer', async () => {
    const source = from([ev(0), ev(1), ev(2)]);
    const pipeline = source.pipe(analyzeEvents(header), toArray());
    const a = await lastValueFrom(pipeline);
    const b = await lastValueFrom(pipeline);
    expect(b).toEqual(a);
  });
});

describe('collectAnalyzeOutput', () => {
  it('reduces the updates to exactly what the analyzer itself reports', async () => {
    const { header: h, events } = loadFixture(
      'isometric-hamstring_tindeq-progressor+witmotion-wt901_handle+shank_clean.rec.jsonl.gz',
    );
    const analyzer = createAnalyzer(h);
    for (const e of events) analyzer.push(e);
    analyzer.finish();
    const collected = await lastValueFrom(from(events).pipe(analyzeEvents(h), collectAnalyzeOutput(h)));
    expect(collected).toEqual(analyzer.output());
    expect(collected.asymmetry?.[0]?.flag).toBe('ge15');
  });
});
