import type { BleAdvertisement, BleCentral, BleScan } from '../noble/ble-central.js';
import type { IngestLogger } from './logger.js';

interface Waiter {
  owner: string;
  matches: (adv: BleAdvertisement) => boolean;
  resolve: (adv: BleAdvertisement) => void;
}

/**
 * One scan shared by every sensor: it runs while some sensor is looking for its peripheral and stops
 * when none is (radios do better without a scan beside live links). A peripheral goes to the first
 * sensor that matches it and stays claimed by that sensor, so two sensors of one driver never fight.
 */
export class ScanBroker {
  private readonly seen = new Map<string, BleAdvertisement>();
  private readonly waiters = new Set<Waiter>();
  private readonly claims = new Map<string, string>();
  private scan: BleScan | null = null;
  private starting: Promise<void> | null = null;
  private closed = false;
  private retry: NodeJS.Timeout | null = null;

  constructor(
    private readonly central: BleCentral,
    private readonly logger: IngestLogger,
  ) {}

  /** Resolves with an unclaimed matching peripheral (now claimed by `owner`), or null once aborted. */
  find(
    owner: string,
    matches: (adv: BleAdvertisement) => boolean,
    signal: AbortSignal,
  ): Promise<BleAdvertisement | null> {
    for (const adv of this.seen.values()) {
      if (!this.claims.has(adv.id) && matches(adv)) {
        this.claims.set(adv.id, owner);
        return Promise.resolve(adv);
      }
    }
    if (signal.aborted || this.closed) return Promise.resolve(null);
    return new Promise((resolve) => {
      const waiter: Waiter = {
        owner,
        matches,
        resolve: (adv) => {
          cleanup();
          resolve(adv);
        },
      };
      const onAbort = () => {
        cleanup();
        resolve(null);
      };
      const cleanup = () => {
        this.waiters.delete(waiter);
        signal.removeEventListener('abort', onAbort);
        this.updateScan();
      };
      signal.addEventListener('abort', onAbort);
      this.waiters.add(waiter);
      this.updateScan();
    });
  }

  release(owner: string): void {
    for (const [id, o] of this.claims) if (o === owner) this.claims.delete(id);
  }

  private onAdvertisement(adv: BleAdvertisement): void {
    this.seen.set(adv.id, adv);
    if (this.claims.has(adv.id)) return;
    for (const w of this.waiters) {
      if (w.matches(adv)) {
        this.claims.set(adv.id, w.owner);
        w.resolve(adv);
        return;
      }
    }
  }

  private updateScan(): void {
    if (this.closed) return;
    if (this.waiters.size > 0 && this.scan === null && this.starting === null) {
      this.starting = this.central
        .startScan((adv) => this.onAdvertisement(adv))
        .then(async (scan) => {
          this.scan = scan;
          this.starting = null;
          if (this.waiters.size === 0 || this.closed) await this.stopScan();
        })
        .catch((e: unknown) => {
          this.starting = null;
          this.logger.error(`scan failed: ${e instanceof Error ? e.message : String(e)}; retrying in 2 s`);
          this.retry ??= setTimeout(() => {
            this.retry = null;
            this.updateScan();
          }, 2000);
        });
    } else if (this.waiters.size === 0 && this.scan !== null) {
      void this.stopScan();
    }
  }

  private async stopScan(): Promise<void> {
    const scan = this.scan;
    this.scan = null;
    await scan?.stop();
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.retry) clearTimeout(this.retry);
    await this.starting;
    await this.stopScan();
  }
}
