import { describe, expect, it } from 'vitest';
import { INGEST_EVENTS, INGEST_NAMESPACE, planIngestBatch, type SequencedEvent } from './ingest.js';

const ev = (seq: number): SequencedEvent => ({ seq, event: { type: 'mark', t: seq, activity: null } });

describe('ingest protocol', () => {
  it('names the namespace and events domain:verb', () => {
    expect(INGEST_NAMESPACE).toBe('/ingest');
    expect(Object.values(INGEST_EVENTS)).toEqual(['ingest:hello', 'ingest:events']);
  });
  it('stores the contiguous continuation and acks it', () => {
    const plan = planIngestBatch(3, [ev(4), ev(5), ev(6)]);
    expect(plan.store.map((e) => e.seq)).toEqual([4, 5, 6]);
    expect(plan).toMatchObject({ duplicates: 0, outOfOrder: 0, ackedSeq: 6 });
  });
  it('drops repeats and acks the last stored seq', () => {
    const plan = planIngestBatch(5, [ev(3), ev(4), ev(5), ev(6)]);
    expect(plan.store.map((e) => e.seq)).toEqual([6]);
    expect(plan).toMatchObject({ duplicates: 3, outOfOrder: 0, ackedSeq: 6 });
  });
  it('never stores past a gap, so the daemon resends from the ack', () => {
    const plan = planIngestBatch(2, [ev(3), ev(5), ev(6)]);
    expect(plan.store.map((e) => e.seq)).toEqual([3]);
    expect(plan).toMatchObject({ duplicates: 0, outOfOrder: 2, ackedSeq: 3 });
  });
  it('acks the current position for an empty or fully repeated batch', () => {
    expect(planIngestBatch(7, []).ackedSeq).toBe(7);
    expect(planIngestBatch(7, [ev(1), ev(7)]).ackedSeq).toBe(7);
  });
});
