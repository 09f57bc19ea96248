import { INGEST_NAMESPACE, LIVE_NAMESPACE } from '@hamstream/protocol';
import type { FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';
import { Server, type Socket } from 'socket.io';
import type { AuthService } from '../auth/auth-service.js';
import { canReadSession } from '../auth/policy.js';
import { describePrincipal } from '../auth/principal.js';
import type { ResourceLookups } from '../auth/resources.js';
import type { LiveSessionRegistry } from '../live/live-session-registry.js';
import { credentialsOf, originMatches } from '../plugins/access.js';
import { type IngestNamespace, setUpIngestNamespace } from './ingest-namespace.js';
import { type LiveFanoutOptions, type LiveNamespace, setUpLiveNamespace } from './live-namespace.js';

export interface RealtimePluginOptions {
  registry: LiveSessionRegistry;
  auth: AuthService;
  lookups: ResourceLookups;
  /** Behind a reverse proxy: the client's host is X-Forwarded-Host (for the Origin check). */
  trustProxy: boolean;
  /** Largest socket.io message, bytes; a client sending more is disconnected (alone). */
  maxMessageBytes: number;
  live?: LiveFanoutOptions;
}

declare module 'fastify' {
  interface FastifyInstance {
    io: Server;
  }
}

/** 1 MiB: an ingest batch (≤ 500 events) of the largest notifications is ~0.6 MB. */
export const DEFAULT_MAX_MESSAGE_BYTES = 1024 * 1024;

type HandshakeSocket = Pick<Socket, 'handshake' | 'data'>;

function refuse(message: string, code: string): Error {
  // socket.io hands `message` and `data` to the client's connect_error.
  return Object.assign(new Error(message), { data: { code } });
}

/**
 * socket.io on fastify's own HTTP server, with the same credentials as the REST routes:
 * - `/ingest`: a daemon token in `handshake.auth.token`; each event is then checked against the
 *   sessions the token is bound to (ingest-namespace.ts);
 * - `/live`: the session cookie (same origin only) or a bearer sign-in token in `handshake.auth.token`;
 *   each watch checks the account may see the session, the wall carries only such sessions.
 * Messages larger than `maxMessageBytes` close that client's connection only. A sign-out, a revoked
 * token, a disabled account or an expired sign-in disconnects the sockets holding it. On close:
 * sockets are disconnected before fastify closes the server (graceful shutdown).
 */
const realtime: FastifyPluginAsync<RealtimePluginOptions> = async (app, opts) => {
  const io = new Server(app.server, {
    serveClient: false,
    maxHttpBufferSize: opts.maxMessageBytes,
    // CORS closed: no other origin may use the sockets from a browser.
    cors: { origin: false },
  });
  const log = app.log;

  const hostOf = (socket: HandshakeSocket): string | undefined => {
    const h = socket.handshake.headers;
    const forwarded = opts.trustProxy ? h['x-forwarded-host'] : undefined;
    return (typeof forwarded === 'string' ? forwarded.split(',')[0]!.trim() : undefined) ?? h.host;
  };
  const authToken = (socket: HandshakeSocket): string | undefined => {
    const t = (socket.handshake.auth as Record<string, unknown> | undefined)?.token;
    return typeof t === 'string' && t.length > 0 ? t : undefined;
  };

  const ingest = io.of(INGEST_NAMESPACE) as unknown as IngestNamespace;
  ingest.use((socket, next) => {
    const token = authToken(socket);
    const p = token ? opts.auth.authenticate(token, 'bearer') : null;
    if (p?.kind !== 'daemon') {
      log.warn({ address: socket.handshake.address }, 'ingest connection refused: no valid daemon token');
      next(
        refuse('a valid daemon token is required (hamstream ingest --token)', 'HAMSTREAM_ERR_UNAUTHORIZED'),
      );
      return;
    }
    socket.data.principal = p;
    next();
  });
  setUpIngestNamespace(ingest, opts.registry, log, opts.auth);

  const live = io.of(LIVE_NAMESPACE) as unknown as LiveNamespace;
  live.use((socket, next) => {
    const token = authToken(socket);
    const creds = token
      ? { token, via: 'bearer' as const }
      : credentialsOf({ cookie: socket.handshake.headers.cookie });
    if (creds?.via === 'cookie' && !originMatches(socket.handshake.headers.origin, hostOf(socket))) {
      // Cross-site WebSocket hijacking: another site's page must not ride on the cookie.
      next(refuse('cross-origin connection refused', 'HAMSTREAM_ERR_CSRF'));
      return;
    }
    const p = creds ? opts.auth.authenticate(creds.token, creds.via) : null;
    if (p?.kind !== 'account') {
      next(refuse('sign in first', 'HAMSTREAM_ERR_UNAUTHORIZED'));
      return;
    }
    if (p.mustChangePassword) {
      next(refuse('change the one-time password first', 'HAMSTREAM_ERR_PASSWORD_CHANGE_REQUIRED'));
      return;
    }
    socket.data.principal = p;
    next();
  });
  const stopFanout = setUpLiveNamespace(
    live,
    opts.registry,
    {
      refresh: (p) => opts.auth.refresh(p),
      canSee: (p, session) => canReadSession(p, session.meta, opts.lookups.subject),
    },
    opts.live,
  );

  /** Disconnects every socket whose credential no longer holds. */
  const sweep = (): void => {
    for (const nsp of [ingest, live] as const) {
      for (const socket of nsp.sockets.values()) {
        const p = socket.data.principal;
        if (p && opts.auth.refresh(p) === null) {
          log.info({ conn: socket.id, who: describePrincipal(p) }, 'credential ended: socket disconnected');
          socket.disconnect(true);
        }
      }
    }
  };
  const stopRevokeWatch = opts.auth.onRevoke(sweep);
  // Sign-ins also end by time: idle sockets are checked once a minute.
  const timer = setInterval(sweep, 60_000);
  timer.unref();

  app.decorate('io', io);
  app.addHook('preClose', async () => {
    clearInterval(timer);
    stopRevokeWatch();
    stopFanout();
    io.of(INGEST_NAMESPACE).disconnectSockets(true);
    io.of(LIVE_NAMESPACE).disconnectSockets(true);
    // The engine only (not io.close()): fastify closes the HTTP server itself.
    io.engine.close();
  });
};

export const realtimePlugin = fp(realtime, { name: 'hamstream-realtime' });
