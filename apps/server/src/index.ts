export type { InfluxOptions } from './app.js';
export {
  type BuildAppOptions,
  buildApp,
  type HamstreamServer,
  REDACTED_LOG_PATHS,
  type RouteInfo,
} from './app.js';
export {
  ADMIN_ACCOUNT,
  type AuthOptions,
  AuthService,
  DEMO_ACCOUNT,
  type FirstStart,
} from './auth/auth-service.js';
export { DEFAULT_SCRYPT, type ScryptParams } from './auth/password.js';
export type { AccountPrincipal, DaemonPrincipal, Principal, Role } from './auth/principal.js';
export {
  DEFAULT_DATA_DIR,
  DEFAULT_HOST,
  DEFAULT_PORT,
  resolveServerConfig,
  type ServerConfig,
  type ServerFlags,
} from './config.js';
export type { DemoSession, RunningDemo } from './demo/demo.js';
export { DEMO_SESSIONS, type DemoKey } from './demo/demo-sessions.js';
export { ERRORS, type Problem } from './errors.js';
export type { LiveEngine, LiveEngineFactory } from './live/live-engine.js';
export { LiveSessionRegistry, type Logger } from './live/live-session-registry.js';
export { type RunningServer, type StartServerOptions, startServer } from './main.js';
export type { Access, Owns } from './plugins/access.js';
export { type StartedHamstream, type StartOptions, startHamstream } from './start.js';
export { LocalSessionStore } from './storage/local-session-store.js';
export type { RecordingAppender, SessionMeta, SessionStore, StoredSummary } from './storage/session-store.js';
