/** The message-understanding benchmark lives with the model family; listed here so `npm run bench` runs it. */
export * from '../models/nlu/nlu.bench.ts';
