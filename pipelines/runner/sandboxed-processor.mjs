// Entry file of BullMQ's sandboxed child processes (heavy steps, partitions). BullMQ forks plain Node, which
// cannot load TypeScript: register tsx here, then load the processor. A child whose worker died (SIGKILL) loses
// its IPC channel; it exits then, rather than finish a job that another worker is already retrying.
import { register } from 'tsx/esm/api';

register();
process.on('disconnect', () => process.exit(1));
const { default: processor } = await import('./sandboxed-processor.ts');
export default processor;
