import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  DEFAULT_TUNING,
  type IngestDaemon,
  type IngestLogger,
  loadNobleCentral,
  sensorsFromDevices,
  startIngestDaemon,
} from '@hamstream/ingest';
import { readRecording } from '@hamstream/recording';
import type { HamstreamServer } from '../app.js';
import { DEMO_ACCOUNT } from '../auth/auth-service.js';
import { BUILTIN_TARGETS } from '../live/targets.js';
import { DEMO_SESSIONS, type DemoKey } from './demo-sessions.js';

export interface DemoSession {
  key: DemoKey;
  session: string;
  subject: string;
  fixture: string;
  labels: string;
  daemon: IngestDaemon;
  /** The virtual BLE adapter it runs on (closed with the daemon). */
  central: { close(): Promise<void> };
}

export interface DemoOptions {
  /** Base URL of the running server (its /ingest namespace gets the streams). */
  serverUrl: string;
  /** Where the daemons keep their own recordings (the source of truth, as on a real patient laptop). */
  workDir: string;
  /** Folder with the fixtures; default: the repository's fixtures/ (searched upwards from here). */
  fixturesDir?: string;
  /** Playback speed (1 = real time). The sessions' data time runs at the fixture's pace either way. */
  speed?: number;
  /** Start the fixtures over when they end (default true). */
  loop?: boolean;
  /** Session id suffix, so repeated demos never collide (default: a time stamp). */
  suffix?: string;
  logger?: IngestLogger;
  /**
   * Creates the demo session on the server and a daemon token bound to it; answers the token. The demo
   * daemons authenticate exactly like real ones: one session-bound token each.
   */
  tokenFor: (session: string, subject: string) => Promise<string>;
}

export interface RunningDemo {
  sessions: DemoSession[];
  /** Stops every daemon (recordings closed, forwarders drained). */
  stop(): Promise<void>;
}

/** Daemon ids of the demo's in-process daemons start with this. */
export const DEMO_DAEMON_PREFIX = 'demo:';

/** fixtures/ of this repository: the first ancestor folder of this file that has one with the demo fixtures. */
export function findFixturesDir(from = dirname(fileURLToPath(import.meta.url))): string | null {
  let dir = from;
  for (;;) {
    const candidate = join(dir, 'fixtures');
    if (existsSync(join(candidate, `${DEMO_SESSIONS[0].scenario}.rec.jsonl.gz`))) return candidate;
    const up = dirname(dir);
    if (up === dir) return null;
    dir = up;
  }
}

/**
 * The demo: one in-process ingest daemon per fixture, on the virtual BLE adapter, forwarding to the
 * server over socket.io exactly like `hamstream ingest --adapter virtual:FIXTURE --server URL` (the same
 * daemon code; only the process is shared). Marks recorded in the fixtures are replayed as marks.
 */
export async function startDemo(options: DemoOptions): Promise<RunningDemo> {
  const fixturesDir = options.fixturesDir ?? findFixturesDir();
  if (!fixturesDir) {
    throw new Error('demo fixtures not found (expected fixtures/*.rec.jsonl.gz in the repository)');
  }
  await mkdir(options.workDir, { recursive: true });
  const suffix =
    options.suffix ?? new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  const speed = options.speed ?? 1;
  const startOne = async (d: (typeof DEMO_SESSIONS)[number]): Promise<DemoSession> => {
    const fixture = resolve(fixturesDir, `${d.scenario}.rec.jsonl.gz`);
    const labels = resolve(fixturesDir, `${d.scenario}.labels.json`);
    const { header, events } = await readRecording(fixture);
    const central = await loadNobleCentral({
      adapter: { kind: 'virtual', recordings: [fixture] },
      preloaded: [{ path: fixture, header, events }],
      virtual: { speed, loop: options.loop ?? true },
    });
    const session = `demo-${d.key}-${suffix}`;
    const virtual = central.virtual;
    try {
      const token = await options.tokenFor(session, d.subject);
      const daemon = await startIngestDaemon(
        {
          session,
          subject: d.subject,
          ...(header.activity ? { activity: header.activity } : {}),
          sensors: sensorsFromDevices(header.devices),
          record: join(options.workDir, `${session}.rec.jsonl`),
          server: { url: options.serverUrl, token },
          daemonId: `${DEMO_DAEMON_PREFIX}${d.key}`,
          tuning: DEFAULT_TUNING,
        },
        {
          central,
          // At --speed X the session clock runs X× too, so the data keeps the fixture's own time axis
          // (a rep still takes its 3 s of data time): faster demos and tests, same physics.
          monotonicMs: () => performance.now() * speed,
          ...(options.logger ? { logger: options.logger } : {}),
          ...(virtual ? { marks: (l) => virtual.onMark(l) } : {}),
        },
      );
      // Without --loop a daemon ends with its fixture: release its virtual adapter then.
      void daemon.stopped.finally(() => central.close());
      return { key: d.key, session, subject: d.subject, fixture, labels, daemon, central };
    } catch (e) {
      await central.close();
      throw e;
    }
  };
  // All three at once: the newcomer's first numbers come sooner.
  const started = await Promise.allSettled(DEMO_SESSIONS.map(startOne));
  const sessions = started.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  const failed = started.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) {
    await Promise.allSettled(
      sessions.map((s) => s.daemon.stop('demo failed to start').finally(() => s.central.close())),
    );
    throw failed.reason;
  }
  let stopping: Promise<void> | null = null;
  return {
    sessions,
    stop: () => {
      stopping ??= Promise.allSettled(
        sessions.map((s) => s.daemon.stop('demo stopped').finally(() => s.central.close())),
      ).then(() => undefined);
      return stopping;
    },
  };
}

/**
 * Creates a demo session (owned by the demo user) and an in-memory daemon token bound to it: what a
 * therapist does with `POST /api/sessions` and `POST /api/daemon-tokens` before starting a daemon.
 */
export async function prepareDemoSession(
  server: Pick<HamstreamServer, 'registry' | 'auth'>,
  session: string,
  subject: string,
): Promise<string> {
  const created = await server.registry.createSession({ id: session, subject, owner: DEMO_ACCOUNT });
  if (!created.ok) throw new Error(created.error.message);
  const { secret } = await server.auth.createDaemonToken({
    sessions: [session],
    createdBy: DEMO_ACCOUNT,
    label: 'demo daemon',
    persist: false,
  });
  return secret;
}

/**
 * Demo subjects (owned by the demo user) and their ROM targets, created only where nothing is stored
 * yet (never overwrites; a subject of that name owned by a real therapist stays theirs); demo sessions a
 * previous run left live are ended (their daemons are gone), so the wall shows this run.
 */
export async function seedDemoSubjects(
  server: Pick<HamstreamServer, 'store' | 'registry'>,
  nowIso: string,
): Promise<void> {
  for (const s of server.registry.liveSessions()) {
    if (s.meta.daemonId?.startsWith(DEMO_DAEMON_PREFIX) || s.meta.owner === DEMO_ACCOUNT) {
      await server.registry.endSession(s.id);
    }
  }
  for (const d of DEMO_SESSIONS) {
    const existing = server.store.getSubject(d.subject);
    if (!existing) {
      await server.store.putSubject({
        id: d.subject,
        note: 'demo',
        baselineCadenceSpm: null,
        createdAt: nowIso,
        therapist: DEMO_ACCOUNT,
      });
    } else if ((existing.therapist ?? null) === null && existing.note === 'demo') {
      // A demo subject from before accounts existed: it belongs to the demo user.
      await server.store.putSubject({ ...existing, therapist: DEMO_ACCOUNT });
    }
    if (d.romTargetDeg !== null && !server.store.getTargets(d.subject)) {
      const activity = d.scenario.split('_')[0]!;
      await server.store.putTargets({
        subject: d.subject,
        romDeg: { [activity]: d.romTargetDeg },
        cadence: BUILTIN_TARGETS.cadence,
      });
      server.registry.refreshTargets(d.subject);
    }
  }
}
