/**
 * The subject folder: its file paths, manifest and stage runner, the single-writer lock, typed readers of the
 * artefacts stages leave for each other, a run's `StageContext`, and the quality table. See docs/formats.md.
 */
export * from './files.js';
export * from './manifest.js';
export * from './writer.js';
export * from './artefacts.js';
export * from './context.js';
export * from './quality.js';
