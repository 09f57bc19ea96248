import { describe, expect, it } from 'vitest';
import type { DecodedItem } from '../types.js';
import { compareDecoded } from './compare.js';

const acc: DecodedItem = {
  kind: 'acc',
  count: 2,
  sensorTUs: new Float64Array([1, 2]),
  valuesMs2: new Float64Array([1, 2, 3, 4, 5, 6]),
};
const cp: DecodedItem = {
  kind: 'control-response',
  op: 2,
  measurementType: 2,
  status: 0,
  statusText: 'success',
  params: new Uint8Array([1, 0xab]),
};

describe('compareDecoded (the vector checker must catch mismatches)', () => {
  it('accepts matching items, partial fields, head/tail arrays and tolerances', () => {
    expect(compareDecoded([acc], [{ kind: 'acc', count: 2, valuesMs2: [1, 2, 3, 4, 5, 6] }])).toEqual([]);
    expect(compareDecoded([acc], [{ kind: 'acc', valuesMs2: { length: 6, head: [1], tail: [6] } }])).toEqual(
      [],
    );
    expect(compareDecoded([acc], [{ kind: 'acc', sensorTUs: [1.05, 2] }], { sensorTUs: 0.1 })).toEqual([]);
    expect(
      compareDecoded([cp], [{ kind: 'control-response', params: '01ab', statusText: 'success' }]),
    ).toEqual([]);
  });

  it('reports wrong counts, kinds, values, lengths, bytes and missing fields', () => {
    expect(compareDecoded([acc], [])).toHaveLength(1);
    expect(compareDecoded([acc], [{ kind: 'gyro' }])).toHaveLength(1);
    expect(compareDecoded([acc], [{ kind: 'acc', valuesMs2: [1, 2, 3, 4, 5, 7] }])).toHaveLength(1);
    expect(compareDecoded([acc], [{ kind: 'acc', valuesMs2: { length: 5 } }])).toHaveLength(1);
    expect(compareDecoded([acc], [{ kind: 'acc', valuesMs2: { length: 6, tail: [5] } }])).toHaveLength(1);
    expect(compareDecoded([acc], [{ kind: 'acc', sensorTUs: null }])).toHaveLength(1);
    expect(compareDecoded([acc], [{ kind: 'acc', sensorTUs: [1.05, 2] }])).toHaveLength(1);
    expect(compareDecoded([cp], [{ kind: 'control-response', params: '01ac' }])).toHaveLength(1);
    expect(compareDecoded([cp], [{ kind: 'control-response', stauts: 0 }])).toHaveLength(1);
  });
});
