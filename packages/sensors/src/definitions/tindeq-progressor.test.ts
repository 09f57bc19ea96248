import { describe, expect, it } from 'vitest';
import { vectorBytes } from '../vectors/types.js';
import { TINDEQ_DATA as D, TindeqDecoder } from './tindeq-progressor.js';

function weightPacket(samples: [kg: number, rawUs: number][]): Uint8Array {
  const b = new Uint8Array(2 + 8 * samples.length);
  const v = new DataView(b.buffer);
  b[0] = 1;
  b[1] = 8 * samples.length;
  samples.forEach(([kg, us], k) => {
    v.setFloat32(2 + 8 * k, kg, true);
    v.setUint32(6 + 8 * k, us, true);
  });
  return b;
}

describe('TindeqDecoder', () => {
  it('keeps time monotonic across several 2^32 µs wraps (~71.6 min each)', () => {
    const d = new TindeqDecoder();
    const times: number[] = [];
    let raw = 0;
    for (let i = 0; i < 400; i++) {
      raw = (raw + 25_000_000) % 2 ** 32; // 25 s steps: 3+ wraps in 400 packets
      const item = d.decode(D, weightPacket([[1, raw]])).items[0];
      if (item?.kind === 'force') times.push(item.sensorTUs![0]!);
    }
    expect(times).toHaveLength(400);
    for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBe(25_000_000);
    expect(times.at(-1)).toBe(400 * 25_000_000);
  });

  it('tells a battery voltage (2000–5000 mV) from other 4-byte replies', () => {
    const reply = (mV: number) => {
      const b = new Uint8Array([0, 4, 0, 0, 0, 0]);
      new DataView(b.buffer).setUint32(2, mV, true);
      return new TindeqDecoder().decode(D, b).items[0];
    };
    expect(reply(2000)).toEqual({ kind: 'battery', volts: 2, percent: null });
    expect(reply(5000)).toEqual({ kind: 'battery', volts: 5, percent: null });
    expect(reply(5001)?.kind).toBe('text');
  });

  it('decodes several TLVs in one notification, samples merged into one force item', () => {
    const packet = new Uint8Array([...weightPacket([[1, 10]]), 4, 0, ...weightPacket([[2, 20]])]);
    const r = new TindeqDecoder().decode(D, packet);
    expect(r.error).toBeNull();
    expect(r.items.map((i) => i.kind)).toEqual(['force', 'low-power']);
    expect(r.items[0]?.kind === 'force' && Array.from(r.items[0].sensorTUs!)).toEqual([10, 20]);
  });

  it('ignores trailing NULs in text replies', () => {
    expect(new TindeqDecoder().decode(D, vectorBytes('00 06 312e32000000')).items).toEqual([
      { kind: 'text', text: '1.2' },
    ]);
  });
});
