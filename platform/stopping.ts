import type { Logger } from './log.ts';

/**
 * Whether this process has been asked to stop (SIGINT, SIGTERM). Ctrl+C reaches every process of the terminal's
 * process group at once, so an embedded PostgreSQL closes its connections while the API and the outbox relay are
 * still stopping: connections lost from then on are expected, and are logged as part of stopping, not as faults.
 */
let requested = false;

export function requestStop(): void {
  requested = true;
}

export function stopRequested(): boolean {
  return requested;
}

/** Runs `onStop` on the first SIGINT or SIGTERM, marking the stop first so the losses it causes read as expected. */
export function onStopSignal(onStop: (signal: NodeJS.Signals) => void): void {
  const handle = (signal: NodeJS.Signals) => {
    process.off('SIGINT', handle);
    process.off('SIGTERM', handle);
    requestStop();
    onStop(signal);
  };
  process.on('SIGINT', handle);
  process.on('SIGTERM', handle);
}

/**
 * Ctrl+C reaches the embedded PostgreSQL at the same moment as this process, and its connections can end a moment
 * before this process's own signal handler has run. So a lost connection is logged that moment later: as a warning,
 * or as part of stopping when a stop was requested meanwhile. The timer does not keep the process alive.
 */
const SIGNAL_GRACE_MS = 250;

/** Logs a lost connection: a warning, or once the process is stopping a debug line, since the loss is then expected. */
export function logConnectionLoss(log: Logger, message: string, fields: Record<string, unknown>): void {
  if (requested) {
    log.debug(`${message} (while stopping)`, fields);
    return;
  }
  setTimeout(() => (requested ? log.debug(`${message} (while stopping)`, fields) : log.warn(message, fields)), SIGNAL_GRACE_MS).unref();
}
