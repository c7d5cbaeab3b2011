/** The generated-world segmentation benchmark lives with the steps; listed here so `npm run bench` runs it. */
export * from '../pipelines/steps/segments-world.bench.ts';
