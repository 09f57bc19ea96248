import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyServerOptions,
  LogController,
} from 'fastify';
import type { LiveEngineFactory } from './live/live-engine.js';
import { LiveSessionRegistry } from './live/live-session-registry.js';
import { type AccessControl, accessPlugin, implicitDemoAccess } from './plugins/access.js';
import { dashboardPlugin, defaultDashboardDir } from './plugins/dashboard.js';
import { errorsPlugin } from './plugins/errors.js';
import type { LiveFanoutOptions } from './realtime/live-namespace.js';
import { realtimePlugin } from './realtime/realtime-plugin.js';
import { healthRoutes } from './routes/health.js';
import { sessionRoutes } from './routes/sessions.js';
import { subjectRoutes } from './routes/subjects.js';
import { targetRoutes } from './routes/targets.js';
import { LocalSessionStore } from './storage/local-session-store.js';
import type { SessionStore } from './storage/session-store.js';

export interface BuildAppOptions {
  /** The local data folder (used when no `store` is given). */
  dataDir: string;
  store?: SessionStore;
  /** Default: the implicit demo user (see plugins/access.ts). */
  accessControl?: AccessControl;
  /** fastify's `logger` option (pino); default: info level. */
  logger?: FastifyServerOptions['logger'];
  /** Built dashboard folder; default apps/dashboard/dist when built; null: do not serve it. */
  dashboardDir?: string | null;
  live?: LiveFanoutOptions;
  engineFactory?: LiveEngineFactory;
  /** How often provisional summaries of changed live sessions are written, ms. Default 10 000. */
  summaryIntervalMs?: number;
}

export interface HamstreamServer {
  app: FastifyInstance;
  registry: LiveSessionRegistry;
  store: SessionStore;
  /** Every route: method, url, access (the inject tests walk it). */
  routes: RouteInfo[];
}

export interface RouteInfo {
  method: string;
  url: string;
  access: string | undefined;
}

/**
 * Builds the server without listening (tests use `app.inject()`; main.ts listens). Plugins are
 * encapsulated: access + errors at the root, then realtime (socket.io on fastify's HTTP server),
 * the REST routes and the dashboard. `app.close()` is the graceful shutdown: sockets are disconnected,
 * recordings flushed and closed, provisional summaries and metadata written.
 */
export async function buildApp(options: BuildAppOptions): Promise<HamstreamServer> {
  const app = Fastify({
    logger: options.logger ?? { level: 'info' },
    // Request logs for the API only: static files and health checks would drown them.
    logController: new LogController({
      disableRequestLogging: (req) => !req.url.startsWith('/api/') || req.url === '/api/health',
    }),
    forceCloseConnections: true,
    // Unknown body fields are errors, not silently dropped (a `name` sent by mistake must not pass).
    ajv: { customOptions: { removeAdditional: false } },
  }).withTypeProvider<TypeBoxTypeProvider>();
  const store = options.store ?? new LocalSessionStore(options.dataDir);
  await store.init();
  const registry = new LiveSessionRegistry({
    store,
    logger: app.log as FastifyBaseLogger,
    ...(options.engineFactory ? { engineFactory: options.engineFactory } : {}),
  });
  await registry.init();
  const accessControl = options.accessControl ?? implicitDemoAccess;

  const routes: RouteInfo[] = [];
  app.addHook('onRoute', (r) => {
    const methods = Array.isArray(r.method) ? r.method : [r.method];
    for (const method of methods) {
      if (method === 'HEAD') continue;
      routes.push({ method, url: r.url, access: (r.config as { access?: string } | undefined)?.access });
    }
  });

  await app.register(errorsPlugin);
  await app.register(accessPlugin, { accessControl });
  await app.register(realtimePlugin, {
    registry,
    accessControl,
    ...(options.live ? { live: options.live } : {}),
  });
  const deps = { registry, store };
  await app.register(healthRoutes, deps);
  await app.register(subjectRoutes, deps);
  await app.register(targetRoutes, deps);
  await app.register(sessionRoutes, deps);
  await app.register(dashboardPlugin, {
    root: options.dashboardDir === undefined ? defaultDashboardDir() : options.dashboardDir,
  });

  const timer = setInterval(() => {
    registry
      .saveProvisionalSummaries()
      .catch((e: unknown) => app.log.error({ err: e }, 'summary write failed'));
  }, options.summaryIntervalMs ?? 10_000);
  timer.unref();
  app.addHook('onClose', async () => {
    clearInterval(timer);
    await registry.close();
    await store.close();
  });
  await app.ready();
  return { app: app as unknown as FastifyInstance, registry, store, routes };
}
