import { readFileSync } from 'node:fs';

/** CPU seconds (user + system) from a /proc stat file (Linux clock ticks are 1/100 s). */
export function cpuSeconds(statFile: string): number {
  const fields = readFileSync(statFile, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** CPU seconds of a whole process (every thread) and of its main thread, whose task id is the process id. */
export function processCpu(pid: number): { all: number; main: number } {
  return { all: cpuSeconds(`/proc/${pid}/stat`), main: cpuSeconds(`/proc/${pid}/task/${pid}/stat`) };
}
