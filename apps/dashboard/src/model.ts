import type {
  LiveCadence,
  SessionLiveState,
  SessionUpdate,
  TraceChunk,
  WallTile,
  WallUpdate,
} from '@hamstream/protocol';

/** Seconds of trace kept in the browser (the view shows 12 s). */
export const TRACE_KEEP_S = 20;
/** Cadence history kept for the runner chart, s. */
export const CADENCE_KEEP_S = 300;

export interface Trace {
  tS: number[];
  values: number[];
}

/** What the browser keeps about one watched session. */
export interface SessionView {
  state: SessionLiveState | null;
  angle: Map<string, Trace>;
  force: Map<string, Trace>;
  /** Primary cadence over time (from successive states). */
  cadence: LiveCadence[];
  /** performance.now() when the newest update arrived (drives the smooth time axis). */
  receivedAtMs: number;
}

export function emptySessionView(): SessionView {
  return { state: null, angle: new Map(), force: new Map(), cadence: [], receivedAtMs: 0 };
}

function appendChunks(traces: Map<string, Trace>, chunks: readonly TraceChunk[], keepS: number): void {
  for (const c of chunks) {
    let t = traces.get(c.device);
    if (!t) {
      t = { tS: [], values: [] };
      traces.set(c.device, t);
    }
    const lastT = t.tS.length > 0 ? t.tS[t.tS.length - 1]! : Number.NEGATIVE_INFINITY;
    for (let i = 0; i < c.tS.length; i++) {
      const ts = c.tS[i]!;
      if (ts <= lastT) continue; // a repeat after a reconnect
      t.tS.push(ts);
      t.values.push(c.values[i]!);
    }
    const newest = t.tS[t.tS.length - 1];
    if (newest === undefined) continue;
    let cut = 0;
    while (cut < t.tS.length && t.tS[cut]! < newest - keepS) cut++;
    if (cut > 0) {
      t.tS.splice(0, cut);
      t.values.splice(0, cut);
    }
  }
}

/** Folds one server update into the view (in place; returns it for convenience). */
export function applySessionUpdate(view: SessionView, update: SessionUpdate, nowMs: number): SessionView {
  if (update.full) {
    view.angle.clear();
    view.force.clear();
    view.cadence = [];
  }
  view.state = update.state;
  view.receivedAtMs = nowMs;
  appendChunks(view.angle, update.angleDeg, TRACE_KEEP_S);
  appendChunks(view.force, update.forceN, TRACE_KEEP_S);
  const c = update.state.cadence;
  const last = view.cadence[view.cadence.length - 1];
  if (c && (!last || c.tS > last.tS)) {
    view.cadence.push(c);
    while (view.cadence.length > 0 && view.cadence[0]!.tS < c.tS - CADENCE_KEEP_S) view.cadence.shift();
  }
  return view;
}

/** The wall's tiles in a stable order (subject, then session id). */
export function applyWallUpdate(tiles: Map<string, WallTile>, update: WallUpdate): Map<string, WallTile> {
  if (update.full) tiles.clear();
  for (const id of update.removed) tiles.delete(id);
  for (const t of update.tiles) tiles.set(t.session, t);
  return tiles;
}

export function sortedTiles(tiles: Map<string, WallTile>): WallTile[] {
  return [...tiles.values()].sort(
    (a, b) => (a.subject ?? '').localeCompare(b.subject ?? '') || a.session.localeCompare(b.session),
  );
}

/**
 * The data time to show at `nowMs`: the newest data time `baseS`, advanced by the wall time since it
 * arrived (so a trace scrolls smoothly at display rate between ~20 Hz updates), but never more than
 * `maxLeadS` ahead of the data.
 */
export function displayTimeS(baseS: number, receivedAtMs: number, nowMs: number, maxLeadS = 0.25): number {
  const lead = Math.min(Math.max(0, (nowMs - receivedAtMs) / 1000), maxLeadS);
  return baseS + lead;
}

/** Newest time over a set of traces, or null. */
export function newestTraceS(traces: Map<string, Trace>): number | null {
  let newest: number | null = null;
  for (const t of traces.values()) {
    const last = t.tS[t.tS.length - 1];
    if (last !== undefined && (newest === null || last > newest)) newest = last;
  }
  return newest;
}
