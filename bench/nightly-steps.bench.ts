/** The nightly steps' benchmark lives with the steps; listed here so `npm run bench` runs it. */
export * from '../pipelines/steps/nightly-steps.bench.ts';
