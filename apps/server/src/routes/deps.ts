import { ApiErrorSchema, IdSchema } from '@hamstream/protocol';
import { Type } from 'typebox';
import type { LiveSessionRegistry } from '../live/live-session-registry.js';
import type { SessionStore } from '../storage/session-store.js';

/** What every route plugin is given. */
export interface RouteDeps {
  registry: LiveSessionRegistry;
  store: SessionStore;
}

/** Error responses every protected route may give. */
export const errorResponses = {
  400: ApiErrorSchema,
  401: ApiErrorSchema,
  403: ApiErrorSchema,
  404: ApiErrorSchema,
  409: ApiErrorSchema,
  500: ApiErrorSchema,
} as const;

export const IdParams = Type.Object({ id: IdSchema });
