import type { FastifyInstance } from 'fastify';
import { InputError } from '../../platform/errors.ts';

/**
 * Text the stores cannot hold faithfully is refused at the door, naming the field: NUL (PostgreSQL text cannot
 * hold it, and would answer 500), lone UTF-16 surrogates (written out as U+FFFD, silently changing the value) and
 * bytes that are not UTF-8 (decoded as U+FFFD the same way). Bodies are decoded strictly before JSON parsing;
 * path and query parameters are checked before schema validation.
 */
const BAD_TEXT = /[\u0000\uFFFD]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** The path of the first string (or property name) holding bad text, e.g. `quotations[2].channel`, or undefined. */
export function findBadText(value: unknown, path = ''): string | undefined {
  if (typeof value === 'string') return BAD_TEXT.test(value) ? path : undefined;
  if (value === null || typeof value !== 'object') return undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = findBadText(value[i], `${path}[${i}]`);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  for (const [name, inner] of Object.entries(value)) {
    const here = path === '' ? name : `${path}.${name}`;
    if (BAD_TEXT.test(name)) return here;
    const found = findBadText(inner, here);
    if (found !== undefined) return found;
  }
  return undefined;
}

const PROBLEM = 'must be valid UTF-8 text without NUL characters';

/** JSON escapes that can produce bad text; a body without any skips the walk. */
const SUSPECT_ESCAPE = /\\u(?:0000|[dD][89a-fA-F]|[fF][fF][fF][dD])/;

/**
 * The query string, decoded strictly: a `%` sequence that is not UTF-8 becomes U+FFFD (and so a 400 naming the
 * parameter) instead of being kept as literal text, which a client that escaped `%` as `%25` could also have
 * meant. `+` is a space; a repeated name gives an array, as fastify's own parser does. Given to
 * Fastify({ routerOptions: { querystringParser } }).
 */
export function parseQueryString(text: string): Record<string, string | string[]> {
  const result: Record<string, string | string[]> = Object.create(null);
  if (text === '') return result;
  for (const pair of text.split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const name = decodeStrictly(eq === -1 ? pair : pair.slice(0, eq));
    const value = eq === -1 ? '' : decodeStrictly(pair.slice(eq + 1));
    const existing = result[name];
    if (existing === undefined) result[name] = value;
    else if (Array.isArray(existing)) existing.push(value);
    else result[name] = [existing, value];
  }
  return result;
}

function decodeStrictly(component: string): string {
  const spaced = component.includes('+') ? component.replace(/\+/g, ' ') : component;
  if (!spaced.includes('%')) return spaced;
  try {
    return decodeURIComponent(spaced);
  } catch {
    return '\uFFFD';
  }
}

export function installTextHygiene(app: FastifyInstance): void {
  const strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, raw, done) => {
    let text: string;
    try {
      text = strict.decode(raw as Buffer);
    } catch {
      return done(new InputError(`body ${PROBLEM}: it holds bytes that are not UTF-8`, 'body', 'invalid_json'), undefined);
    }
    if (text.includes('\u0000') || text.includes('\uFFFD')) return done(new InputError(`body ${PROBLEM}`, 'body', 'invalid_json'), undefined);
    parseJson(request, text, (err, parsed) => {
      if (err) return done(new InputError(`body is not valid JSON: ${err.message}`, 'body', 'invalid_json'), undefined);
      if (SUSPECT_ESCAPE.test(text)) {
        const field = findBadText(parsed);
        if (field !== undefined) return done(new InputError(`body ${field === '' ? '' : `field ${field} `}${PROBLEM}`, field === '' ? 'body' : field), undefined);
      }
      done(null, parsed);
    });
  });

  // Callback style: it runs on every request, and an async hook costs a promise each time.
  app.addHook('preValidation', (request, _reply, done) => {
    const params = findBadText(request.params);
    if (params !== undefined) return done(new InputError(`path parameter ${params} ${PROBLEM}`, params));
    const query = findBadText(request.query);
    if (query !== undefined) return done(new InputError(`query parameter ${query} ${PROBLEM}`, query));
    done();
  });
}
