/** Query parameters of a connection URL that carry a secret (libpq's and ClickHouse's spellings). */
const SECRET_PARAMETERS = new Set(['password', 'sslpassword', 'pass']);

/**
 * A connection URL fit to print: its password, and any password given as a query parameter, replaced by ***
 * (`postgres://spirit:***@db:5432/spirit`, `redis://:***@cache:6379`, `postgres://db/x?user=spirit&password=***`).
 * The URL is parsed rather than matched, so a password holding `@` or `/` is masked whole; a URL that cannot be
 * parsed as scheme://… is not shown at all (`spirit:secret@db/x` would otherwise print as written).
 */
export function redactUrl(url: string): string {
  let parsed: URL;
  try {
    if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) throw new Error('no scheme://');
    parsed = new URL(url);
  } catch {
    return '(a URL that cannot be parsed; not shown, as it may hold a password)';
  }
  // An @ the parser did not take as the end of user:password means a password it read as something else: one
  // starting with digits then /, # or ? reads as a port and a path (postgres://spirit:2024/S3cret@db/x). All of
  // it up to the last @ is hidden then.
  const schemeEnd = url.indexOf('://') + 3;
  if (parsed.username === '' && parsed.password === '' && url.indexOf('@', schemeEnd) !== -1) {
    return `${url.slice(0, schemeEnd)}***@${url.slice(url.lastIndexOf('@') + 1)}`;
  }
  const secrets = [...parsed.searchParams.keys()].filter((name) => SECRET_PARAMETERS.has(name.toLowerCase()));
  // Nothing to mask: printed as the operator wrote it (URL would add a trailing slash, for one).
  if (parsed.password === '' && secrets.length === 0) return url;
  if (parsed.password !== '') parsed.password = '***';
  for (const name of secrets) parsed.searchParams.set(name, '***');
  return parsed.toString();
}
