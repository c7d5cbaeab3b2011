/** A connection URL fit to print: its password, if any, replaced by *** (`postgres://spirit:***@db:5432/spirit`). */
export function redactUrl(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
}
