import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyPluginAsync } from 'fastify';

/** apps/dashboard/dist when it was built (`npm run build -w @hamstream/dashboard`), else null. */
export function defaultDashboardDir(): string | null {
  try {
    const pkg = createRequire(import.meta.url).resolve('@hamstream/dashboard/package.json');
    const dist = join(dirname(pkg), 'dist');
    return existsSync(join(dist, 'index.html')) ? dist : null;
  } catch {
    return null;
  }
}

/** Serves the built dashboard at `/` (hashed assets cached for long, index.html never). */
export const dashboardPlugin: FastifyPluginAsync<{ root: string | null }> = async (app, { root }) => {
  if (root === null) {
    app.get('/', { config: { access: 'public' } }, async (_req, reply) =>
      reply
        .type('text/html')
        .send(
          '<!doctype html><title>hamstream</title><p>The dashboard is not built. Run <code>npm run build</code> (or <code>npm ci</code>) and restart.</p>',
        ),
    );
    return;
  }
  await app.register(fastifyStatic, {
    root,
    prefix: '/',
    wildcard: true,
    setHeaders: (reply, path) => {
      void reply.header(
        'cache-control',
        path.includes('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache',
      );
    },
  });
};
