export * from './retrying-client.js';
export * from './scenarios.js';
export * from './run-scenario.js';
