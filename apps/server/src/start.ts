import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { IngestLogger } from '@hamstream/ingest';
import type { FastifyBaseLogger, FastifyServerOptions } from 'fastify';
import type { InfluxOptions } from './app.js';
import type { FirstStart } from './auth/auth-service.js';
import type { RunningDemo } from './demo/demo.js';
import { type RunningServer, startServer } from './main.js';

export interface StartOptions {
  host: string;
  port: number;
  /** Behind a TLS-terminating reverse proxy (see BuildAppOptions.trustProxy). */
  trustProxy?: boolean;
  /** A new one-time password for `admin`, printed like the first start's. */
  resetAdminPassword?: boolean;
  /** Data folder; with `demo` and no data folder, a temporary one (removed on close). */
  dataDir: string | null;
  demo: boolean;
  demoSpeed?: number;
  demoLoop?: boolean;
  logger?: FastifyServerOptions['logger'];
  dashboardDir?: string | null;
  /** InfluxDB for results and history (see BuildAppOptions.influx). */
  influx?: InfluxOptions;
}

export interface StartedHamstream {
  server: RunningServer;
  demo: RunningDemo | null;
  dataDir: string;
  /**
   * The URL to open: with the demo, it carries the demo key that signs the browser in as the demo user
   * (`?demo=…`, valid while this process runs); otherwise the server's URL.
   */
  openUrl: string;
  /** The admin's one-time password on the first start (print it once; it is not logged). */
  firstStart: FirstStart | null;
  /** Graceful shutdown: demo daemons stopped and drained, then the server (sockets, storage). */
  close(): Promise<void>;
}

function ingestLoggerFrom(log: FastifyBaseLogger): IngestLogger {
  const child = log.child({ component: 'demo-ingest' });
  return {
    debug: (m, f) => child.debug(f ?? {}, m),
    info: (m, f) => child.info(f ?? {}, m),
    warn: (m, f) => child.warn(f ?? {}, m),
    error: (m, f) => child.error(f ?? {}, m),
  };
}

/** `hamstream start`: the server, and with `demo` the in-process ingest daemons replaying fixtures. */
export async function startHamstream(options: StartOptions): Promise<StartedHamstream> {
  const tempData = options.dataDir === null ? await mkdtemp(join(tmpdir(), 'hamstream-demo-')) : null;
  const dataDir = options.dataDir ?? tempData!;
  let server: RunningServer;
  try {
    server = await startServer({
      host: options.host,
      port: options.port,
      dataDir,
      ...(options.trustProxy ? { trustProxy: true } : {}),
      ...(options.resetAdminPassword ? { resetAdminPassword: true } : {}),
      ...(options.logger !== undefined ? { logger: options.logger } : {}),
      ...(options.dashboardDir !== undefined ? { dashboardDir: options.dashboardDir } : {}),
      ...(options.influx ? { influx: options.influx } : {}),
    });
  } catch (e) {
    if (tempData) await rm(tempData, { recursive: true, force: true });
    throw e;
  }
  let demo: RunningDemo | null = null;
  let openUrl = server.url;
  if (options.demo) {
    try {
      // Loaded only for the demo: the ingest daemon and the virtual BLE adapter are not needed otherwise.
      const { prepareDemoSession, seedDemoSubjects, startDemo } = await import('./demo/demo.js');
      const demoKey = await server.auth.enableDemo();
      await seedDemoSubjects(server, new Date().toISOString());
      demo = await startDemo({
        serverUrl: server.url,
        workDir: join(dataDir, 'demo-daemons'),
        speed: options.demoSpeed ?? 1,
        loop: options.demoLoop ?? true,
        logger: ingestLoggerFrom(server.app.log),
        tokenFor: (session, subject) => prepareDemoSession(server, session, subject),
      });
      openUrl = `${server.url}?demo=${encodeURIComponent(demoKey)}`;
    } catch (e) {
      await server.close();
      if (tempData) await rm(tempData, { recursive: true, force: true });
      throw e;
    }
  }
  let closing: Promise<void> | null = null;
  return {
    server,
    demo,
    dataDir,
    openUrl,
    firstStart: server.firstStart,
    close: () => {
      closing ??= (async () => {
        await demo?.stop();
        await server.close();
        if (tempData) await rm(tempData, { recursive: true, force: true });
      })();
      return closing;
    },
  };
}
