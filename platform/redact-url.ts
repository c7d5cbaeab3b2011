/**
 * A connection URL fit to print: its password, if any, replaced by *** (`postgres://spirit:***@db:5432/spirit`,
 * `redis://:***@cache:6379`: Redis URLs usually carry a password and no user).
 */
export function redactUrl(url: string): string {
  return url.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@');
}
