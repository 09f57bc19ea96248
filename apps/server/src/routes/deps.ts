import { ApiErrorSchema, IdSchema } from '@hamstream/protocol';
import type { HistoryStore } from '@hamstream/storage';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { AuthService } from '../auth/auth-service.js';
import type { AccountPrincipal } from '../auth/principal.js';
import type { ResourceLookups } from '../auth/resources.js';
import type { LiveSessionRegistry } from '../live/live-session-registry.js';
import type { SessionStore } from '../storage/session-store.js';
import type { UploadLimits } from '../storage/upload.js';

/** What every route plugin is given. */
export interface RouteDeps {
  registry: LiveSessionRegistry;
  store: SessionStore;
  auth: AuthService;
  /** The relations (subject → therapist, session → subject/owner, token → creator). */
  lookups: ResourceLookups;
  /** Whether a cookie set on this request is `Secure`. */
  secureCookies: (req: FastifyRequest) => boolean;
  uploadLimits: UploadLimits;
  /** A folder for uploads being validated (inside the data folder: same file system, same permissions). */
  uploadDir: string;
  /** Subject history: InfluxDB when configured, else the data folder. */
  history: HistoryStore;
}

/** Error responses every protected route may give. */
export const errorResponses = {
  400: ApiErrorSchema,
  401: ApiErrorSchema,
  403: ApiErrorSchema,
  404: ApiErrorSchema,
  409: ApiErrorSchema,
  413: ApiErrorSchema,
  429: ApiErrorSchema,
  500: ApiErrorSchema,
} as const;

export const IdParams = Type.Object({ id: IdSchema });

/** The principal of a request that passed the access plugin (every non-public route). */
export function who(req: FastifyRequest): AccountPrincipal {
  if (!req.principal) throw new Error(`${req.method} ${req.url}: no principal (route without access?)`);
  return req.principal;
}
