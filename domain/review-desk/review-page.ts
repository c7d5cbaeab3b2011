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
      app.get(url, { schema: { hide: true } }, async (request, reply) => {
        if (url === '/review') {
          const away = withoutKey(request.url);
          if (away !== null) return reply.headers({ ...SECURITY_HEADERS, 'cache-control': 'no-store' }).redirect(away, 303);
        }
        return reply.headers({ ...SECURITY_HEADERS, 'content-type': type }).send(body);
      });
    }
    app.get('/review/', { schema: { hide: true } }, async (_request, reply) => reply.redirect('/review', 301));
  };
}

/**
 * The page's address without an API key in it, or null when there is none. The sign-in form once let a native
 * submit put the key in the query (`/review?api-key=spk_…`); a bookmark or history entry made then should not keep
 * sending it, so the page redirects to the same address without it (a `spk_` value under any name counts too).
 */
export function withoutKey(url: string): string | null {
  const parsed = new URL(url, 'http://page.invalid');
  const keys = [...parsed.searchParams.entries()].filter(([name, value]) => name === 'api-key' || value.startsWith('spk_')).map(([name]) => name);
  if (keys.length === 0) return null;
  for (const name of keys) parsed.searchParams.delete(name);
  return `${parsed.pathname}${parsed.search}`;
}
