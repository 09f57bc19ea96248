export * from './analysis.js';
export * from './domain.js';
export * from './hex.js';
export * from './labels.js';
export * from './prng.js';
export * from './recording-events.js';
export * from './result.js';
export * from './samples.js';
