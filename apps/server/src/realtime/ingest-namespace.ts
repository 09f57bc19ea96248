import type { IngestClientToServerEvents, IngestServerToClientEvents } from '@hamstream/protocol';
import { INGEST_MAX_BATCH } from '@hamstream/protocol';
import type { Namespace, Socket } from 'socket.io';
import type { LiveSessionRegistry, Logger } from '../live/live-session-registry.js';

export type IngestNamespace = Namespace<IngestClientToServerEvents, IngestServerToClientEvents>;
type IngestSocket = Socket<IngestClientToServerEvents, IngestServerToClientEvents>;

/**
 * The `/ingest` namespace (contract: @hamstream/protocol ingest.ts): `ingest:hello` opens or resumes the
 * session and answers the last stored seq; `ingest:events` stores the contiguous continuation (repeats
 * dropped by seq) and acks the highest stored seq once it is on disk.
 */
export function setUpIngestNamespace(
  nsp: IngestNamespace,
  registry: LiveSessionRegistry,
  logger: Logger,
): void {
  nsp.on('connection', (socket: IngestSocket) => {
    logger.info({ conn: socket.id }, 'ingest daemon connected');
    socket.on('ingest:hello', (hello, ack) => {
      if (typeof ack !== 'function') return;
      registry.ingestHello(hello, socket.id).then(
        (res) => {
          if (res.ok)
            logger.info(
              { session: hello.session, daemon: hello.daemonId, lastSeq: res.lastSeq },
              'ingest hello',
            );
          else logger.warn({ session: hello?.session, error: res.error }, 'ingest hello refused');
          ack(res);
        },
        (e: unknown) => {
          logger.error({ err: e }, 'ingest hello failed');
          ack({ ok: false, error: 'server error' });
        },
      );
    });
    socket.on('ingest:events', (payload, ack) => {
      if (typeof ack !== 'function') return;
      if (Array.isArray(payload?.batch) && payload.batch.length > INGEST_MAX_BATCH) {
        ack({ ok: false, error: `batch larger than ${INGEST_MAX_BATCH}` });
        return;
      }
      registry.ingestEvents(payload, socket.id).then(ack, (e: unknown) => {
        logger.error({ err: e }, 'ingest events failed');
        ack({ ok: false, error: 'server error' });
      });
    });
    socket.on('disconnect', (reason) => {
      logger.info({ conn: socket.id, reason }, 'ingest daemon disconnected');
      registry.ingestDisconnected(socket.id);
    });
  });
}
