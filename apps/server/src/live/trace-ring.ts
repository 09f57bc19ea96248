/**
 * A bounded trace (time, value) with absolute positions: each watcher keeps a cursor and takes what is
 * new since it last looked. Appending never touches watchers, so a slow dashboard costs nothing on the
 * ingest path; a watcher that fell behind the ring gets only what is still in it (the newest window).
 */
export class TraceRing {
  private readonly tS: Float64Array;
  private readonly values: Float64Array;
  /** Points ever appended (the absolute position of the next point). */
  total = 0;

  constructor(readonly capacity: number) {
    this.tS = new Float64Array(capacity);
    this.values = new Float64Array(capacity);
  }

  push(tS: readonly number[], values: readonly number[]): void {
    const n = Math.min(tS.length, values.length);
    for (let i = 0; i < n; i++) {
      const at = this.total % this.capacity;
      this.tS[at] = tS[i]!;
      this.values[at] = values[i]!;
      this.total++;
    }
  }

  /** Points from absolute position `cursor` on (clamped to what the ring still holds), optionally only those with tS ≥ fromS. */
  since(cursor: number, fromS = Number.NEGATIVE_INFINITY): { tS: number[]; values: number[] } {
    const start = Math.max(cursor, this.total - this.capacity, 0);
    const tS: number[] = [];
    const values: number[] = [];
    for (let p = start; p < this.total; p++) {
      const at = p % this.capacity;
      const t = this.tS[at]!;
      if (t < fromS) continue;
      tS.push(t);
      values.push(this.values[at]!);
    }
    return { tS, values };
  }

  /** Time of the newest point, or null. */
  lastTS(): number | null {
    return this.total === 0 ? null : this.tS[(this.total - 1) % this.capacity]!;
  }
}
