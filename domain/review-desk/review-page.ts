import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyPluginAsync } from 'fastify';

/**
 * Serves the review page (`public/` beside this file): three static files, read once at start. The page holds no data — it
 * signs in with an API key and calls the /v1/review routes, which check the role — so the files need no
 * credential. A strict content security policy allows only this origin's script, styles and API.
 */
export const PUBLIC_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'public');

const FILES: Record<string, { file: string; type: string }> = {
  '/review': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/review/review.css': { file: 'review.css', type: 'text/css; charset=utf-8' },
  '/review/review.js': { file: 'review.js', type: 'text/javascript; charset=utf-8' },
};

const SECURITY_HEADERS = {
  'content-security-policy': "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-cache',
};

export function reviewPage(options: { dir?: string } = {}): FastifyPluginAsync {
  const dir = options.dir ?? PUBLIC_DIR;
  const loaded = Object.entries(FILES).map(([url, { file, type }]) => ({ url, type, body: fs.readFileSync(path.join(dir, file)) }));
  return async (app) => {
    for (const { url, type, body } of loaded) {
      app.get(url, { schema: { hide: true } }, async (_request, reply) => reply.headers({ ...SECURITY_HEADERS, 'content-type': type }).send(body));
    }
    app.get('/review/', { schema: { hide: true } }, async (_request, reply) => reply.redirect('/review', 301));
  };
}
