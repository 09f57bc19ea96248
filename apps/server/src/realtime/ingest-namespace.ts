import type {
  IngestClientToServerEvents,
  IngestEventsPayload,
  IngestHello,
  IngestServerToClientEvents,
} from '@hamstream/protocol';
import { ingestEventsPayloadSchema, ingestHelloSchema } from '@hamstream/protocol';
import type { Namespace, Socket } from 'socket.io';
import { Compile } from 'typebox/compile';
import { canIngest } from '../auth/policy.js';
import type { DaemonPrincipal, Principal } from '../auth/principal.js';
import type { LiveSessionRegistry, Logger } from '../live/live-session-registry.js';

export interface IngestSocketData {
  /** The daemon token this connection authenticated with (re-checked on every event). */
  principal: DaemonPrincipal;
  /** Sessions this connection said hello for: only those may receive its events. */
  helloSessions: Set<string>;
}

export type IngestNamespace = Namespace<
  IngestClientToServerEvents,
  IngestServerToClientEvents,
  Record<never, never>,
  IngestSocketData
>;
type IngestSocket = Socket<
  IngestClientToServerEvents,
  IngestServerToClientEvents,
  Record<never, never>,
  IngestSocketData
>;

/** Every client→server event the `/ingest` namespace handles (the role-table test walks them). */
export const INGEST_SOCKET_EVENTS = ['ingest:hello', 'ingest:events'] as const;

type Ack = (res: { ok: false; error: string } | Record<string, unknown>) => void;

const isHello = Compile(ingestHelloSchema);
const isEventsPayload = Compile(ingestEventsPayloadSchema);

export interface IngestGuard {
  /** The principal as of now; null once the token expired or was revoked. */
  refresh(p: Principal): Principal | null;
}

/**
 * The `/ingest` namespace (contract: @hamstream/protocol ingest.ts): `ingest:hello` opens or resumes the
 * session and answers the last stored seq; `ingest:events` stores the contiguous continuation (repeats
 * dropped by seq) and acks the highest stored seq once it is on disk.
 *
 * Every event is checked before it reaches the registry: the payload's shape (a malformed one is
 * answered, never thrown), the token (still valid), and the session (one the token is bound to, and
 * for events one this connection said hello for). A bad message affects only its own connection.
 */
export function setUpIngestNamespace(
  nsp: IngestNamespace,
  registry: LiveSessionRegistry,
  logger: Logger,
  guard: IngestGuard,
): void {
  /** The daemon's principal, refreshed; disconnects and answers when it is gone. */
  const current = (socket: IngestSocket, ack: Ack): DaemonPrincipal | null => {
    const p = guard.refresh(socket.data.principal);
    if (p === null || p.kind !== 'daemon') {
      ack({ ok: false, error: 'the daemon token has expired or was revoked' });
      socket.disconnect(true);
      return null;
    }
    socket.data.principal = p;
    return p;
  };

  const handlers: Record<
    (typeof INGEST_SOCKET_EVENTS)[number],
    (socket: IngestSocket, payload: unknown, ack: Ack) => void
  > = {
    'ingest:hello': (socket, payload, ack) => {
      if (!isHello.Check(payload)) {
        ack({ ok: false, error: 'malformed ingest:hello: expected {session, header, daemonId}' });
        return;
      }
      const hello = payload as IngestHello;
      const p = current(socket, ack);
      if (!p) return;
      if (!canIngest(p, hello.session)) {
        logger.warn(
          { tokenId: p.id, session: hello.session },
          'ingest hello refused: session not bound to the token',
        );
        ack({ ok: false, error: `this token may not write session ${hello.session}` });
        return;
      }
      registry.ingestHello(hello, socket.id).then(
        (res) => {
          if (res.ok) {
            socket.data.helloSessions.add(hello.session);
            logger.info(
              { session: hello.session, daemon: hello.daemonId, tokenId: p.id, lastSeq: res.lastSeq },
              'ingest hello',
            );
          } else logger.warn({ session: hello.session, error: res.error }, 'ingest hello refused');
          ack(res);
        },
        (e: unknown) => {
          logger.error({ err: e }, 'ingest hello failed');
          ack({ ok: false, error: 'server error' });
        },
      );
    },
    'ingest:events': (socket, payload, ack) => {
      if (!isEventsPayload.Check(payload)) {
        ack({
          ok: false,
          error: 'malformed ingest:events: expected {session, batch: [{seq, event}]} (≤ 500)',
        });
        return;
      }
      const events = payload as IngestEventsPayload;
      const p = current(socket, ack);
      if (!p) return;
      if (!canIngest(p, events.session) || !socket.data.helloSessions.has(events.session)) {
        ack({
          ok: false,
          error: `say ingest:hello for session ${events.session} first (with a token for it)`,
        });
        return;
      }
      registry.ingestEvents(events, socket.id).then(ack, (e: unknown) => {
        logger.error({ err: e }, 'ingest events failed');
        ack({ ok: false, error: 'server error' });
      });
    },
  };

  nsp.on('connection', (socket: IngestSocket) => {
    socket.data.helloSessions = new Set();
    logger.info({ conn: socket.id, tokenId: socket.data.principal.id }, 'ingest daemon connected');
    for (const name of INGEST_SOCKET_EVENTS) {
      const handle = handlers[name];
      socket.on(name, (payload: unknown, ack: unknown) => {
        // Without an ack there is no one to answer: a well-behaved daemon always sends one.
        if (typeof ack !== 'function') return;
        try {
          handle(socket, payload, ack as Ack);
        } catch (e) {
          // Whatever a client sends, the server and the other clients carry on.
          logger.error({ err: e, conn: socket.id, event: name }, 'ingest event failed');
          (ack as Ack)({ ok: false, error: 'server error' });
        }
      });
    }
    socket.on('disconnect', (reason) => {
      logger.info({ conn: socket.id, reason }, 'ingest daemon disconnected');
      registry.ingestDisconnected(socket.id);
    });
  });
}
