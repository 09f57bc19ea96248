export * from './csv.js';
export * from './fhir.js';
export * from './html.js';
export * from './json.js';
export * from './svg.js';
