import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { HealthSchema } from '@hamstream/protocol';
import type { RouteDeps } from './deps.js';

export const SERVER_VERSION = '0.1.0';

export const healthRoutes: FastifyPluginAsyncTypebox<RouteDeps> = async (app, { registry }) => {
  app.get(
    '/api/health',
    {
      config: { access: 'public' },
      schema: { summary: 'Liveness; the only public route', response: { 200: HealthSchema } },
    },
    async () => ({
      status: 'ok' as const,
      version: SERVER_VERSION,
      liveSessions: registry.liveSessions().length,
    }),
  );
};
