/** The segmentation benchmark lives with the model family; listed here so `npm run bench` runs it. */
export * from '../models/segmentation/segmentation.bench.ts';
