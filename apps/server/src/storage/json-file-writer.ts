import { mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

/**
 * Writes JSON files atomically (temp file + rename), one write per path at a time, latest value wins:
 * a burst of updates to the same file costs at most two writes. Callers never wait on each other.
 */
export class JsonFileWriter {
  private readonly pending = new Map<string, { value: unknown; waiters: Array<() => void> }>();
  private readonly running = new Map<string, Promise<void>>();
  private failures = 0;

  get failedWrites(): number {
    return this.failures;
  }

  write(path: string, value: unknown): Promise<void> {
    return new Promise<void>((resolve) => {
      const p = this.pending.get(path);
      if (p) {
        p.value = value;
        p.waiters.push(resolve);
      } else {
        this.pending.set(path, { value, waiters: [resolve] });
      }
      if (!this.running.has(path)) this.run(path);
    });
  }

  /** Resolves when every write asked for so far is done. */
  async drain(): Promise<void> {
    while (this.running.size > 0) await Promise.all([...this.running.values()]);
  }

  private run(path: string): void {
    const job = (async () => {
      for (;;) {
        const next = this.pending.get(path);
        if (!next) {
          // In the same tick as the last check: a write arriving from now on starts a new run. (Deleting
          // in a `finally` callback left a gap in which a waiter's next write was queued and never run.)
          this.running.delete(path);
          return;
        }
        this.pending.delete(path);
        const tmp = `${path}.tmp`;
        try {
          await mkdir(dirname(path), { recursive: true });
          await writeFile(tmp, `${JSON.stringify(next.value, null, 1)}\n`);
          await rename(tmp, path);
        } catch {
          // Metadata is rewritten whole on the next change; count it so health can tell.
          this.failures++;
        }
        for (const w of next.waiters) w();
      }
    })();
    this.running.set(path, job);
  }
}
