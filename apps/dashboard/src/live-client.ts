import {
  LIVE_NAMESPACE,
  type LiveClientToServerEvents,
  type LiveServerToClientEvents,
  type LiveWatchRequest,
  type WallTile,
} from '@hamstream/protocol';
import { io, type Socket } from 'socket.io-client';
import { applySessionUpdate, applyWallUpdate, emptySessionView, type SessionView } from './model.js';

type LiveSocket = Socket<LiveServerToClientEvents, LiveClientToServerEvents>;

/**
 * One socket to `/live` for the whole page. Watches are re-sent after every reconnect (the server keeps
 * them per socket). Every update is applied, then acked at once: the server sends the next one only
 * after the ack, so a busy tablet simply gets fewer, fresher updates.
 */
export class LiveClient {
  readonly socket: LiveSocket;
  readonly wall = new Map<string, WallTile>();
  readonly sessions = new Map<string, SessionView>();
  connected = false;
  private readonly watches = new Map<string, LiveWatchRequest>();
  private readonly listeners = new Set<() => void>();
  private version = 0;

  /** Called when the server refuses or drops the socket because the sign-in is gone. */
  onSignedOut: () => void = () => {};

  constructor() {
    // Same origin: the browser sends the HttpOnly session cookie with the handshake.
    this.socket = io(LIVE_NAMESPACE, {
      path: new URL('socket.io/', document.baseURI).pathname,
      transports: ['websocket', 'polling'],
    });
    this.socket.on('connect_error', (e) => {
      const code = (e as Error & { data?: { code?: string } }).data?.code;
      if (code === 'HAMSTREAM_ERR_UNAUTHORIZED' || code === 'HAMSTREAM_ERR_PASSWORD_CHANGE_REQUIRED') {
        this.onSignedOut();
      }
    });
    this.socket.on('connect', () => {
      this.connected = true;
      for (const w of this.watches.values()) this.socket.emit('live:watch', w, () => {});
      this.changed();
    });
    this.socket.on('disconnect', (reason) => {
      this.connected = false;
      // The server ends sockets whose sign-in ended: try again, the handshake says whether it still holds.
      if (reason === 'io server disconnect') this.socket.connect();
      this.changed();
    });
    this.socket.on('live:wall', (update, ack) => {
      applyWallUpdate(this.wall, update);
      ack();
      this.changed();
    });
    this.socket.on('live:session', (update, ack) => {
      const id = update.state.session;
      const view = this.sessions.get(id) ?? emptySessionView();
      this.sessions.set(id, applySessionUpdate(view, update, performance.now()));
      ack();
      this.changed();
    });
  }

  watch(req: LiveWatchRequest): () => void {
    const key = req.view === 'wall' ? 'wall' : `session:${req.session}`;
    this.watches.set(key, req);
    if (this.socket.connected) this.socket.emit('live:watch', req, () => {});
    return () => {
      this.watches.delete(key);
      if (req.view === 'session') this.sessions.delete(req.session);
      if (this.socket.connected) this.socket.emit('live:unwatch', req, () => {});
    };
  }

  /** Subscribe to "something changed" (coalesced by the caller to animation frames). */
  close(): void {
    this.socket.disconnect();
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get changeCount(): number {
    return this.version;
  }

  private changed(): void {
    this.version++;
    for (const l of this.listeners) l();
  }
}
