import type { Logger } from './log.ts';

/**
 * Progress on long work: a live line (done/total, rows/s, ETA) when stderr is a terminal,
 * and a structured log line every few seconds otherwise, so CI logs stay quiet but informative.
 */
export interface Progress {
  add(n: number): void;
  done(): { count: number; seconds: number; perSecond: number };
}

export function startProgress(label: string, total: number | undefined, logger: Logger, unit = 'rows'): Progress {
  const started = performance.now();
  const tty = process.stderr.isTTY === true;
  let count = 0;
  let lastReport = started;
  const render = (final: boolean) => {
    const seconds = (performance.now() - started) / 1000;
    const rate = seconds > 0 ? count / seconds : 0;
    if (tty) {
      const pct = total ? ` ${((100 * count) / total).toFixed(1)}%` : '';
      const of = total ? `/${total.toLocaleString('en-US')}` : '';
      const eta = total && rate > 0 && !final ? ` eta ${Math.max(0, (total - count) / rate).toFixed(0)}s` : '';
      process.stderr.write(`\r${label}: ${count.toLocaleString('en-US')}${of} ${unit}${pct} ${Math.round(rate).toLocaleString('en-US')} ${unit}/s${eta}   ${final ? '\n' : ''}`);
    } else {
      logger.info(final ? `${label} finished` : `${label} progress`, { count, total, perSecond: Math.round(rate), seconds: Number(seconds.toFixed(2)) });
    }
  };
  return {
    add(n) {
      count += n;
      const now = performance.now();
      if (now - lastReport > (tty ? 200 : 5000)) {
        lastReport = now;
        render(false);
      }
    },
    done() {
      render(true);
      const seconds = (performance.now() - started) / 1000;
      return { count, seconds, perSecond: seconds > 0 ? count / seconds : 0 };
    },
  };
}
