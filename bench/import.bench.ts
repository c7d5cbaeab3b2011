/** The CSV import benchmark lives with the import; listed here so `npm run bench` runs it. */
export * from '../domain/import/import.bench.ts';
