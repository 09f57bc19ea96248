/** A link outage: the link drops at `atS`; the host notices after the supervision timeout. */
export interface Outage {
  atS: number;
  /** Supervision timeout until the host reports the disconnect, s. */
  detectS: number;
  /** From the disconnect event until the daemon has reconnected, s. */
  reconnectS: number;
}

export interface ConnectionPlan {
  firstConnectS: number;
  outages: readonly Outage[];
}

/** One connected period: data flows between `connectS` and `endS`. */
export interface Session {
  index: number;
  connectS: number;
  endS: number;
}

export interface LinkStateEvent {
  type: 'connect' | 'disconnect';
  tS: number;
  reason?: string;
}

/** Splits a recording into connected sessions and the connect/disconnect events the host logs. */
export function planSessions(
  plan: ConnectionPlan,
  durationS: number,
): { sessions: Session[]; events: LinkStateEvent[] } {
  const sessions: Session[] = [];
  const events: LinkStateEvent[] = [];
  let connectS = plan.firstConnectS;
  const outages = [...plan.outages].sort((a, b) => a.atS - b.atS);
  for (const o of outages) {
    if (o.atS <= connectS || o.atS >= durationS) continue;
    events.push({ type: 'connect', tS: connectS, ...(sessions.length > 0 ? { reason: 'reconnected' } : {}) });
    sessions.push({ index: sessions.length, connectS, endS: o.atS });
    const discS = o.atS + o.detectS;
    if (discS >= durationS) return { sessions, events };
    events.push({ type: 'disconnect', tS: discS, reason: 'connection timeout (HCI 0x08)' });
    connectS = discS + o.reconnectS;
    if (connectS >= durationS) return { sessions, events };
  }
  if (connectS < durationS) {
    events.push({ type: 'connect', tS: connectS, ...(sessions.length > 0 ? { reason: 'reconnected' } : {}) });
    sessions.push({ index: sessions.length, connectS, endS: durationS });
  }
  return { sessions, events };
}
