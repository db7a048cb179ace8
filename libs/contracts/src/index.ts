export * from './error-codes.js';
export * from './primitives.js';
export * from './webauthn.js';
export * from './messages.js';
export * from './subjects.js';
export * from './events.js';
export * from './socket.js';
export * from './validation.js';
