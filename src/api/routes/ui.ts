import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';

/** Where `npm run build:web` (vite) writes the web UI. */
export const WEB_DIST = fileURLToPath(new URL('../../../web/dist/', import.meta.url));

const NOT_BUILT = `<!doctype html><meta charset="utf-8"><title>Mobilize</title>
<p>The web UI is not built. Run <code>npm run build:web</code> (npm start and npm test build it first), then reload.</p>`;

/**
 * Serves the built web UI beside the API: files from web/dist (hashed assets cached for good, index.html never),
 * and index.html for any other GET outside /api so the app's own routes survive a reload. Unknown /api paths keep
 * the API's JSON error shape.
 */
export async function uiRoutes(app: FastifyInstance, opts: { dist?: string } = {}): Promise<void> {
  const root = opts.dist ?? WEB_DIST;
  const built = existsSync(`${root}/index.html`);
  if (built) {
    await app.register(fastifyStatic, {
      root,
      prefix: '/',
      wildcard: true,
      index: false,
      setHeaders: (reply, path) => {
        reply.header('cache-control', path.includes('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache');
      },
    });
  }
  const page = (reply: FastifyReply) => {
    reply.header('cache-control', 'no-cache');
    return built ? reply.sendFile('index.html') : reply.type('text/html; charset=utf-8').send(NOT_BUILT);
  };
  app.get('/', { schema: { hide: true } }, (_req, reply) => page(reply));
  app.setNotFoundHandler((req, reply) => {
    const path = req.url.split('?')[0] ?? '';
    // A missing file (a stale asset name) is a 404, not the app: a browser would take the HTML for the script.
    if (path.startsWith('/api/') || path === '/api' || /\.[a-z0-9]+$/i.test(path) || (req.method !== 'GET' && req.method !== 'HEAD')) {
      return reply.status(404).send({ error: { code: 'API_NOT_FOUND', message: `No route ${req.method} ${path}.`, details: {} } });
    }
    return page(reply);
  });
}
