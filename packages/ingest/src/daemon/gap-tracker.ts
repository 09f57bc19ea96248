import type { DecodedItem } from '@hamstream/sensors';

/**
 * Counts gaps in streams that carry the sensor's own clock (Polar, Tindeq): a packet whose mean sample
 * spacing since the previous packet is well above the typical one means packets were lost (the Polar
 * SDK's timestamp derivation spreads a lost frame's time over the next frame, so a "jump" shows up as
 * wider spacing). Streams without a clock (WitMotion, RSC) cannot be judged here: BLE bunching makes
 * host arrival times useless for it; the engine estimates their loss from the sample rate.
 */
export class GapTracker {
  gaps = 0;
  private readonly last = new Map<string, number>();
  private readonly recent = new Map<string, number[]>();

  /** Feed every decoded item of a packet, in order. */
  observe(item: DecodedItem): void {
    if (item.kind !== 'acc' && item.kind !== 'gyro' && item.kind !== 'force') return;
    const times = item.sensorTUs;
    if (!times || item.count === 0) return;
    const lastUs = times[item.count - 1]!;
    const prev = this.last.get(item.kind);
    this.last.set(item.kind, lastUs);
    if (prev === undefined || !(lastUs > prev)) return;
    const meanDeltaUs = (lastUs - prev) / item.count;
    const recent = this.recent.get(item.kind) ?? [];
    if (recent.length >= 5) {
      const sorted = [...recent].sort((a, b) => a - b);
      const typical = sorted[Math.floor(sorted.length / 2)]!;
      if (meanDeltaUs > typical * 1.6) {
        this.gaps++;
        return; // keep the gap out of the typical spacing
      }
    }
    recent.push(meanDeltaUs);
    if (recent.length > 31) recent.shift();
    this.recent.set(item.kind, recent);
  }

  /** After a reconnect: a jump across the outage is a disconnect, not a gap. */
  reset(): void {
    this.last.clear();
  }
}
