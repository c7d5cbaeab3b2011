/**
 * Error messages of stores and loaders name files and locations (`artefact price-000004 (file:///srv/…/x.json.gz)
 * is corrupt`, `ENOENT: …, open '/var/…'`). The log keeps them whole; an answer gets them with every URL and
 * absolute path replaced, so no response tells a caller how the machine is laid out.
 */
const URL_LIKE = /\b[a-z][a-z0-9+.-]*:\/\/[^\s'"()]+/gi;
const ABSOLUTE_PATH = /(?<![\w:/])(?:\/[\w.@+-]+){2,}\/?/g;

export function withoutInternalPaths(message: string): string {
  return message.replace(URL_LIKE, '<location>').replace(ABSOLUTE_PATH, '<path>');
}
