/**
 * A connection (or any costly handle) opened on its first use and shared by every later use. An opening that
 * failed is forgotten, so the next use tries again: a worker that started while PostgreSQL or ClickHouse was down
 * heals when they come back, instead of failing every job with the first error until it is restarted.
 */
export function openOnce<T>(open: () => Promise<T>): () => Promise<T> {
  let opening: Promise<T> | undefined;
  return () => {
    if (!opening) {
      const attempt = open();
      opening = attempt;
      attempt.catch(() => {
        if (opening === attempt) opening = undefined;
      });
    }
    return opening;
  };
}
