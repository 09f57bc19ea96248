import { describe, expect, it } from 'vitest';
import { checkRscConfig, RscDecoder, rscCadenceSpm } from './ble-rsc.js';

describe('RSC cadence units', () => {
  it.each([
    // raw, running, unit, steps/min
    [88, true, undefined, 176], // per-leg while running: doubled
    [119, true, undefined, 238],
    [120, true, undefined, 120], // already steps
    [172, true, undefined, 172],
    [60, false, undefined, 60], // walking: kept (set cadenceUnit for walkers)
    [88, true, 'steps', 88],
    [172, true, 'strides', 344],
    [55, false, 'strides', 110],
  ] as const)('raw %d running=%s unit=%s → %d steps/min', (raw, running, unit, spm) => {
    expect(rscCadenceSpm(raw, running, unit)).toBe(spm);
  });

  it('rejects unknown cadence units', () => {
    expect(checkRscConfig({ cadenceUnit: 'steps' })).toEqual([]);
    expect(checkRscConfig({ cadenceUnit: 'rpm' as never })).toEqual([
      'config.cadenceUnit: "rpm" must be "steps" or "strides"',
    ]);
  });

  it('accepts the full SIG UUID spelling of a characteristic', () => {
    const r = new RscDecoder({}).decode(
      '00002a53-0000-1000-8000-00805f9b34fb',
      new Uint8Array([4, 0xc0, 2, 0xac]),
    );
    expect(r.items[0]).toMatchObject({ kind: 'rsc', cadenceSpm: 172 });
  });
});
