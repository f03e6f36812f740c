export * from './agents.js';
export * from './datasets.js';
export * from './provenance.js';
export * from './auth.js';
export * from './identifiers.js';
export * from './gates.js';
export * from './lineage.js';
export * from './models.js';
