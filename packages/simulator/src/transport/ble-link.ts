import type { Rng } from '../random.js';

/** A notification (or read/indication) as the device has it ready to send. */
export interface Notification {
  /** True time the device hands it to its BLE stack, s since t = 0. */
  readyS: number;
  characteristic: string;
  bytes: Uint8Array;
  /** Indications and reads are acknowledged at the ATT layer: never lost. */
  reliable?: boolean;
}

/** Gilbert–Elliott two-state loss: losses come in bursts, as on a congested or shadowed link. */
export interface BurstLoss {
  /** Per notification, probability of entering the bad state. */
  pGoodToBad: number;
  /** Per notification, probability of leaving the bad state. */
  pBadToGood: number;
  lossInGood: number;
  lossInBad: number;
}

export interface LinkParams {
  /** BLE connection interval, ms (7.5–50 in practice). */
  connectionIntervalMs: number;
  /** Notifications the peripheral fits into one connection event. */
  maxPerEvent: number;
  /** Fixed host stack latency (controller → HCI → BlueZ → noble), ms. */
  hostLatencyMs: number;
  /** Mean of the exponential extra host delay per connection event, ms. */
  hostJitterMs: number;
  /** Probability per connection event that the host stalls (GC pause, scheduler), and how long, ms. */
  stallProbability: number;
  stallMs: readonly [number, number];
  loss: BurstLoss | null;
}

/** A notification as the host received it. */
export interface Received {
  tMs: number;
  notification: Notification;
}

/** Airtime of one notification at 1M PHY including ATT/L2CAP/LL overhead and the inter-frame space, ms. */
function airtimeMs(bytes: number): number {
  return ((bytes + 3 + 4 + 2 + 4 + 3) * 8) / 1000 + 0.15 + 0.08;
}

/** Rounds to whole microseconds: the recording keeps sub-ms host times, not float noise. */
export function roundMs(tMs: number): number {
  return Math.round(tMs * 1000) / 1000;
}

/**
 * Delivers one connection's notifications through a BLE link: each waits for the next
 * connection event with room (several go out in one event: bunching), arrives after the host
 * stack's latency plus jitter (with occasional stalls that hold a whole batch back), and may be
 * lost in bursts. Order is kept (ATT is in-order). `connectS`..`endS` bound the connection:
 * anything not on air by `endS` is lost with the link.
 */
export function deliverOverLink(
  notifications: readonly Notification[],
  link: LinkParams,
  connectS: number,
  endS: number,
  rng: Rng,
): Received[] {
  const out: Received[] = [];
  const ci = link.connectionIntervalMs / 1000;
  const anchor = connectS + rng.uniform(0, ci);
  let eventIndex = 0;
  let usedInEvent = 0;
  let eventOffsetMs = 0;
  let eventExtraMs = 0;
  let eventPrepared = -1;
  let lastHostMs = Number.NEGATIVE_INFINITY;
  let bad = false;
  const sorted = [...notifications].sort((a, b) => a.readyS - b.readyS);
  for (const n of sorted) {
    // The stack needs a few hundred µs to queue the notification before an event can carry it.
    const earliest = n.readyS + 0.0003;
    const idx = Math.max(eventIndex, Math.ceil((earliest - anchor) / ci));
    if (idx > eventIndex) {
      eventIndex = idx;
      usedInEvent = 0;
      eventOffsetMs = 0;
    } else if (usedInEvent >= link.maxPerEvent) {
      eventIndex++;
      usedInEvent = 0;
      eventOffsetMs = 0;
    }
    const eventS = anchor + eventIndex * ci;
    if (eventS >= endS) break;
    if (eventPrepared !== eventIndex) {
      eventPrepared = eventIndex;
      eventExtraMs = -Math.log(1 - rng.next()) * link.hostJitterMs;
      if (rng.chance(link.stallProbability)) eventExtraMs += rng.uniform(link.stallMs[0], link.stallMs[1]);
    }
    eventOffsetMs += airtimeMs(n.bytes.length);
    usedInEvent++;
    if (link.loss && !n.reliable) {
      bad = bad ? !rng.chance(link.loss.pBadToGood) : rng.chance(link.loss.pGoodToBad);
      if (rng.chance(bad ? link.loss.lossInBad : link.loss.lossInGood)) continue;
    }
    const hostMs = Math.max(lastHostMs, eventS * 1000 + eventOffsetMs + link.hostLatencyMs + eventExtraMs);
    lastHostMs = hostMs;
    out.push({ tMs: roundMs(hostMs), notification: n });
  }
  return out;
}

/** Typical link settings: clean links never lose; hard links lose in bursts and stall more often. */
export function randomLinkParams(rng: Rng, hard: boolean, intervalChoicesMs: readonly number[]): LinkParams {
  return {
    connectionIntervalMs: rng.pick(intervalChoicesMs),
    maxPerEvent: rng.int(3, 6),
    hostLatencyMs: rng.uniform(1.0, 3.0),
    hostJitterMs: hard ? rng.uniform(0.8, 2.0) : rng.uniform(0.2, 0.6),
    stallProbability: hard ? 0.004 : 0.0005,
    stallMs: hard ? [20, 120] : [5, 25],
    loss: hard ? { pGoodToBad: 0.004, pBadToGood: 0.25, lossInGood: 0.001, lossInBad: 0.6 } : null,
  };
}
