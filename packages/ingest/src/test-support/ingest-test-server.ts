import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RecordingHeader } from '@hamstream/core';
import {
  INGEST_EVENTS,
  INGEST_NAMESPACE,
  type IngestClientToServerEvents,
  type IngestServerToClientEvents,
  planIngestBatch,
  type SequencedEvent,
} from '@hamstream/protocol';
import { Server } from 'socket.io';

/** What a session looks like on the test server; survives restarts (a server's storage would). */
export interface StoredSession {
  header: RecordingHeader;
  events: SequencedEvent[];
  duplicates: number;
  batches: number;
}

export interface IngestTestServer {
  url: string;
  port: number;
  sessions: Map<string, StoredSession>;
  /** Connections refused for a wrong token. */
  rejected: number;
  stop(): Promise<void>;
  /** Starts again on the same port, same storage. */
  restart(): Promise<void>;
}

/**
 * A minimal `/ingest` namespace implementation of @hamstream/protocol, for forwarder tests: stores events
 * in memory with planIngestBatch (drop repeats, never past a gap) and acks the highest contiguous seq.
 */
export async function startIngestTestServer(
  options: {
    token?: string;
    port?: number;
    sessions?: Map<string, StoredSession>;
    dropEveryNthBatch?: number;
  } = {},
): Promise<IngestTestServer> {
  const sessions = options.sessions ?? new Map<string, StoredSession>();
  let http: HttpServer;
  let io: Server;
  let port = options.port ?? 0;
  const state = { rejected: 0 };

  const listen = async () => {
    http = createServer();
    io = new Server(http);
    const ns = io.of(INGEST_NAMESPACE) as unknown as import('socket.io').Namespace<
      IngestClientToServerEvents,
      IngestServerToClientEvents
    >;
    ns.use((socket, next) => {
      const token = (socket.handshake.auth as { token?: unknown }).token;
      if (options.token !== undefined && token !== options.token) {
        state.rejected++;
        next(new Error('unauthorized'));
        return;
      }
      next();
    });
    ns.on('connection', (socket) => {
      socket.on(INGEST_EVENTS.hello, (hello, ack) => {
        let s = sessions.get(hello.session);
        if (!s) {
          s = { header: hello.header, events: [], duplicates: 0, batches: 0 };
          sessions.set(hello.session, s);
        }
        ack({ ok: true, lastSeq: s.events.length });
      });
      socket.on(INGEST_EVENTS.events, (payload, ack) => {
        const s = sessions.get(payload.session);
        if (!s) {
          ack({ ok: false, error: 'say hello first' });
          return;
        }
        s.batches++;
        // Optionally lose a batch without answering: the daemon must time out and resend.
        if (options.dropEveryNthBatch && s.batches % options.dropEveryNthBatch === 0) return;
        const plan = planIngestBatch(s.events.length, payload.batch);
        s.events.push(...plan.store);
        s.duplicates += plan.duplicates;
        ack({ ok: true, ackedSeq: plan.ackedSeq });
      });
    });
    await new Promise<void>((resolve) => http.listen(port, '127.0.0.1', resolve));
    port = (http.address() as AddressInfo).port;
  };

  const stop = async () => {
    io.disconnectSockets(true);
    http.closeAllConnections();
    // Closes the HTTP server too.
    await new Promise<void>((resolve) => io.close(() => resolve()));
  };

  await listen();
  return {
    get url() {
      return `http://127.0.0.1:${port}`;
    },
    get port() {
      return port;
    },
    sessions,
    get rejected() {
      return state.rejected;
    },
    stop,
    restart: listen,
  };
}
