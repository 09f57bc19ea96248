import { join } from 'node:path';
import helmet from '@fastify/helmet';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { HistoryStore, InfluxSinkStats } from '@hamstream/storage';
import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyRequest,
  type FastifyServerOptions,
  LogController,
} from 'fastify';
import { type AuthOptions, AuthService, type FirstStart } from './auth/auth-service.js';
import type { ResourceLookups } from './auth/resources.js';
import { createInfluxLiveSink, type LiveResultsSink, storageLoggerFrom } from './live/influx-live.js';
import type { LiveEngineFactory } from './live/live-engine.js';
import { LiveSessionRegistry } from './live/live-session-registry.js';
import { type Access, accessPlugin, type Owns } from './plugins/access.js';
import { dashboardPlugin, defaultDashboardDir } from './plugins/dashboard.js';
import { errorsPlugin } from './plugins/errors.js';
import type { LiveFanoutOptions } from './realtime/live-namespace.js';
import { DEFAULT_MAX_MESSAGE_BYTES, realtimePlugin } from './realtime/realtime-plugin.js';
import { accountRoutes } from './routes/accounts.js';
import { authRoutes } from './routes/auth.js';
import { daemonTokenRoutes } from './routes/daemon-tokens.js';
import type { RouteDeps } from './routes/deps.js';
import { healthRoutes } from './routes/health.js';
import { sessionRoutes } from './routes/sessions.js';
import { subjectRoutes } from './routes/subjects.js';
import { targetRoutes } from './routes/targets.js';
import { createServerHistory } from './storage/history.js';
import { LocalSessionStore } from './storage/local-session-store.js';
import type { SessionStore } from './storage/session-store.js';
import { DEFAULT_UPLOAD_LIMITS, type UploadLimits } from './storage/upload.js';

export interface BuildAppOptions {
  /** The local data folder (sessions when no `store` is given; always the accounts file). */
  dataDir: string;
  store?: SessionStore;
  /** Password cost, clock, sign-in lifetime, rate limits (defaults are production values). */
  auth?: Omit<AuthOptions, 'dataDir' | 'logger'>;
  /** A new one-time password for `admin` (returned in `firstStart`, like on the first start). */
  resetAdminPassword?: boolean;
  /**
   * Behind a reverse proxy (TLS terminated there): trust X-Forwarded-For/-Proto/-Host for the client
   * address (rate limits), https (Secure cookies) and the host (Origin checks). Never set this when
   * clients reach the server directly: they could forge those headers.
   */
  trustProxy?: boolean;
  /** Always mark the session cookie `Secure` (default: only for requests that came over https). */
  secureCookies?: boolean;
  /** Largest JSON body, bytes (default 100 KiB; recordings have their own limit). */
  bodyLimitBytes?: number;
  uploadLimits?: Partial<UploadLimits>;
  /** Largest socket.io message, bytes (default 1 MiB). */
  maxSocketMessageBytes?: number;
  /** fastify's `logger` option (pino); default: info level. Secrets are redacted either way. */
  logger?: FastifyServerOptions['logger'];
  /** Built dashboard folder; default apps/dashboard/dist when built; null: do not serve it. */
  dashboardDir?: string | null;
  live?: LiveFanoutOptions;
  engineFactory?: LiveEngineFactory;
  /** How often provisional summaries of changed live sessions are written, ms. Default 10 000. */
  summaryIntervalMs?: number;
  /**
   * InfluxDB 1.x for results and history (`--influx` / HAMSTREAM_INFLUX_URL). Without it everything
   * stays in the data folder and the history API answers from there.
   */
  influx?: InfluxOptions;
  /** Replaces the history store (tests). */
  history?: HistoryStore;
}

export interface InfluxOptions {
  /** `http://[user:pass@]host:port/database`. */
  url: string;
  /** Disk spool while InfluxDB is down or slow. Default DATA/influx-spool. */
  spoolDir?: string;
  /** Spool bound, bytes (oldest dropped and counted beyond it). Default 256 MiB. */
  spoolMaxBytes?: number;
  /** How long a graceful shutdown waits for InfluxDB before leaving the rest spooled, ms. Default 5000. */
  closeTimeoutMs?: number;
  /**
   * `--store-raw`: also write every aligned raw sample (imu_raw, force_raw, `traces` retention policy).
   * Default false: the session's recording in the data folder already keeps every raw packet.
   */
  storeRaw?: boolean;
}

export interface HamstreamServer {
  app: FastifyInstance;
  registry: LiveSessionRegistry;
  store: SessionStore;
  auth: AuthService;
  /** Every route: method, url, access, owns (the inject and role-table tests walk it). */
  routes: RouteInfo[];
  /**
   * Set on the first start (or with `resetAdminPassword`): the admin's one-time password. Print it
   * once to the terminal; it is never logged and only its hash is stored.
   */
  firstStart: FirstStart | null;
  /** The InfluxDB sink's counters when `influx` is configured. */
  influx: { stats(): InfluxSinkStats } | null;
}

export interface RouteInfo {
  method: string;
  url: string;
  access: Access | undefined;
  owns: Owns | undefined;
  /** The JSON schema of the request body, if the route takes JSON (must refuse unknown fields). */
  bodySchema: unknown;
}

/**
 * Where pino must never print a secret. fastify's request serializer logs method, url and addresses
 * only; these paths cover anything logged by hand (headers, bodies, tokens) as defence in depth.
 */
export const REDACTED_LOG_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  'headers.authorization',
  'headers.cookie',
  'headers["set-cookie"]',
  ...[
    'password',
    'currentPassword',
    'newPassword',
    'oneTimePassword',
    'token',
    'secret',
    'key',
    'auth',
  ].flatMap((k) => [k, `*.${k}`, `*.*.${k}`]),
];

function withRedaction(logger: FastifyServerOptions['logger']): FastifyServerOptions['logger'] {
  if (logger === false) return false;
  const base = logger === undefined || logger === true ? { level: 'info' } : logger;
  return { ...base, redact: { paths: REDACTED_LOG_PATHS, censor: '[redacted]' } };
}

/**
 * Builds the server without listening (tests use `app.inject()`; main.ts listens). Plugins are
 * encapsulated: errors, security headers and access at the root, then realtime (socket.io on fastify's
 * HTTP server), the REST routes and the dashboard. `app.close()` is the graceful shutdown: sockets are
 * disconnected, recordings flushed and closed, provisional summaries and metadata written.
 */
export async function buildApp(options: BuildAppOptions): Promise<HamstreamServer> {
  const trustProxy = options.trustProxy ?? false;
  const app = Fastify({
    logger: withRedaction(options.logger),
    // Request logs for the API only: static files and health checks would drown them.
    logController: new LogController({
      disableRequestLogging: (req) => !req.url.startsWith('/api/') || req.url === '/api/health',
    }),
    forceCloseConnections: true,
    trustProxy,
    bodyLimit: options.bodyLimitBytes ?? 100 * 1024,
    // Unknown body fields are errors, not silently dropped (a `name` sent by mistake must not pass).
    ajv: { customOptions: { removeAdditional: false } },
  }).withTypeProvider<TypeBoxTypeProvider>();
  const log = app.log as FastifyBaseLogger;
  const store = options.store ?? new LocalSessionStore(options.dataDir);
  await store.init();
  const auth = new AuthService({ ...options.auth, dataDir: options.dataDir, logger: log });
  let firstStart = await auth.init();
  if (options.resetAdminPassword && firstStart === null) firstStart = await auth.resetAdminPassword();

  let results: LiveResultsSink | null = null;
  if (options.influx) {
    // Lazy: the InfluxDB client is loaded only when configured.
    const { createInfluxSink } = await import('@hamstream/storage');
    const sink = await createInfluxSink({
      url: options.influx.url,
      spoolDir: options.influx.spoolDir ?? join(options.dataDir, 'influx-spool'),
      ...(options.influx.spoolMaxBytes !== undefined ? { spoolMaxBytes: options.influx.spoolMaxBytes } : {}),
      logger: storageLoggerFrom(log.child({ component: 'influx' })),
    });
    results = createInfluxLiveSink(sink, log, { storeRaw: options.influx.storeRaw === true });
  }
  const registry = new LiveSessionRegistry({
    store,
    logger: log,
    ...(results ? { results } : {}),
    ...(options.engineFactory ? { engineFactory: options.engineFactory } : {}),
    // A header may name the session's subject only if the session's creator may write that subject.
    canAdoptSubject: (meta, subjectId) => {
      const subject = store.getSubject(subjectId);
      const owner = meta.owner ? auth.getAccount(meta.owner) : null;
      if (!subject || !owner || owner.disabled) return false;
      return owner.role === 'admin' || (owner.role === 'therapist' && subject.therapist === owner.id);
    },
  });
  await registry.init();

  const lookups: ResourceLookups = {
    subject: (id) => store.getSubject(id),
    session: (id) => registry.get(id)?.meta ?? null,
    daemonToken: (id) => auth.getDaemonToken(id),
  };
  const secureCookies = (req: FastifyRequest): boolean =>
    options.secureCookies === true || req.protocol === 'https';

  const routes: RouteInfo[] = [];
  app.addHook('onRoute', (r) => {
    const methods = Array.isArray(r.method) ? r.method : [r.method];
    const config = r.config as { access?: Access; owns?: Owns } | undefined;
    for (const method of methods) {
      if (method === 'HEAD') continue;
      routes.push({
        method,
        url: r.url,
        access: config?.access,
        owns: config?.owns,
        bodySchema: r.schema?.body,
      });
    }
  });

  await app.register(errorsPlugin);
  const secure = options.secureCookies === true;
  await app.register(helmet, {
    global: true,
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        baseUri: ["'self'"],
        scriptSrc: ["'self'"],
        scriptSrcAttr: ["'none'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'"],
        // 'self' covers the same-origin WebSocket of socket.io.
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        // Upgrading would break the default plain-http 127.0.0.1 set-up.
        ...(secure || trustProxy ? { upgradeInsecureRequests: [] } : {}),
      },
    },
    // HSTS only where https is known to be there; on plain http browsers ignore it anyway.
    hsts: secure ? { maxAge: 180 * 24 * 3600 } : false,
    referrerPolicy: { policy: 'no-referrer' },
    xFrameOptions: { action: 'deny' },
  });
  await app.register(accessPlugin, { auth, resources: lookups, secureCookies });
  await app.register(realtimePlugin, {
    registry,
    auth,
    lookups,
    trustProxy,
    maxMessageBytes: options.maxSocketMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES,
    ...(options.live ? { live: options.live } : {}),
  });
  const deps: RouteDeps = {
    registry,
    store,
    auth,
    lookups,
    secureCookies,
    uploadLimits: { ...DEFAULT_UPLOAD_LIMITS, ...options.uploadLimits },
    uploadDir: join(options.dataDir, 'uploads'),
    history:
      options.history ??
      createServerHistory({ dataDir: options.dataDir, registry, influxUrl: options.influx?.url }),
  };
  await app.register(healthRoutes, deps);
  await app.register(authRoutes, deps);
  await app.register(accountRoutes, deps);
  await app.register(daemonTokenRoutes, deps);
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
    // After the sessions: their last points are in the sink; what InfluxDB does not take in time stays spooled.
    await results?.close(options.influx?.closeTimeoutMs ?? 5000);
  });
  await app.ready();
  return {
    app: app as unknown as FastifyInstance,
    registry,
    store,
    auth,
    routes,
    firstStart,
    influx: results ? { stats: () => results.stats() } : null,
  };
}
