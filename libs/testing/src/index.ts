export * from './cbor.js';
export * from './soft-authenticator.js';
export * from './system.js';
export * from './clients.js';
export * from './classroom.js';
export * from './browser.js';
export * from './wait.js';
export * from './chaos/index.js';
