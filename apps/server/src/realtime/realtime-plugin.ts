import { INGEST_NAMESPACE, LIVE_NAMESPACE } from '@hamstream/protocol';
import type { FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';
import { Server } from 'socket.io';
import type { LiveSessionRegistry } from '../live/live-session-registry.js';
import { type Access, type AccessControl, authorize } from '../plugins/access.js';
import { type IngestNamespace, setUpIngestNamespace } from './ingest-namespace.js';
import { type LiveFanoutOptions, type LiveNamespace, setUpLiveNamespace } from './live-namespace.js';

export interface RealtimePluginOptions {
  registry: LiveSessionRegistry;
  accessControl: AccessControl;
  live?: LiveFanoutOptions;
}

declare module 'fastify' {
  interface FastifyInstance {
    io: Server;
  }
}

/**
 * socket.io on fastify's own HTTP server. Every namespace checks `handshake.auth.token` through the
 * same AccessControl as the REST routes (`/ingest` needs the ingest role, `/live` the therapist role).
 * On close: sockets are disconnected before fastify closes the server (graceful shutdown).
 */
const realtime: FastifyPluginAsync<RealtimePluginOptions> = async (app, opts) => {
  const io = new Server(app.server, {
    serveClient: false,
    // Ingest batches carry up to INGEST_MAX_BATCH events; 4 MB leaves room.
    maxHttpBufferSize: 4 * 1024 * 1024,
    cors: { origin: false },
  });
  const guard =
    (access: Access) =>
    (socket: { handshake: { auth: Record<string, unknown> } }, next: (err?: Error) => void) => {
      const token = typeof socket.handshake.auth?.token === 'string' ? socket.handshake.auth.token : null;
      Promise.resolve(opts.accessControl.authenticate({ token })).then(
        (who) => {
          const allowed = who.ok ? authorize(who.value, access) : who;
          next(allowed.ok ? undefined : new Error(allowed.error.message));
        },
        (e: unknown) => next(e instanceof Error ? e : new Error(String(e))),
      );
    };
  const ingest = io.of(INGEST_NAMESPACE) as unknown as IngestNamespace;
  ingest.use(guard('ingest'));
  setUpIngestNamespace(ingest, opts.registry, app.log);
  const live = io.of(LIVE_NAMESPACE) as unknown as LiveNamespace;
  live.use(guard('therapist'));
  const stopFanout = setUpLiveNamespace(live, opts.registry, opts.live);

  app.decorate('io', io);
  app.addHook('preClose', async () => {
    stopFanout();
    io.of(INGEST_NAMESPACE).disconnectSockets(true);
    io.of(LIVE_NAMESPACE).disconnectSockets(true);
    // The engine only (not io.close()): fastify closes the HTTP server itself.
    io.engine.close();
  });
};

export const realtimePlugin = fp(realtime, { name: 'hamstream-realtime' });
