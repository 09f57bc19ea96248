import { toNobleUuid } from '@hamstream/core';
import { bleRsc } from './definitions/ble-rsc.js';
import { polarPmd } from './definitions/polar-pmd.js';
import { tindeqProgressor } from './definitions/tindeq-progressor.js';
import { witmotionWt901 } from './definitions/witmotion-wt901.js';
import type { SensorDriver } from './types.js';

/** Every driver id, in registry order. Recordings name their devices' drivers with these. */
export const KNOWN_DRIVER_IDS = ['witmotion-wt901', 'polar-pmd', 'tindeq-progressor', 'ble-rsc'] as const;
export type KnownDriverId = (typeof KNOWN_DRIVER_IDS)[number];

/** All drivers, in the order advertisements are matched against them. */
export const drivers: readonly SensorDriver[] = [witmotionWt901, polarPmd, tindeqProgressor, bleRsc];

const byId = new Map(drivers.map((d) => [d.id, d]));

export function isKnownDriverId(id: string): id is KnownDriverId {
  return byId.has(id);
}

export function getDriver(id: string): SensorDriver | undefined {
  return byId.get(id);
}

export interface Advertisement {
  localName?: string | undefined;
  /** Advertised service UUIDs in any common spelling (noble's form, dashed, full SIG form). */
  serviceUuids: readonly string[];
}

/**
 * The driver for an advertisement, or null. An advertised service UUID is the strongest evidence and wins
 * over names (a Polar Stride advertises RSC 0x1814 under a `Polar …` name); then name prefixes, then the
 * weaker name substrings (WitMotion's `WT`).
 */
export function matchAdvertisement(ad: Advertisement): SensorDriver | null {
  const services = new Set(ad.serviceUuids.map(toNobleUuid));
  for (const d of drivers) if (d.match.serviceUuids.some((u) => services.has(u))) return d;
  const name = ad.localName;
  if (!name) return null;
  for (const d of drivers) if (d.match.namePrefixes.some((p) => name.startsWith(p))) return d;
  for (const d of drivers) if (d.match.nameIncludes?.some((s) => name.includes(s))) return d;
  return null;
}
