export * from './errors.js';
export * from './events.js';
export * from './intake.js';
export * from './rpc.js';
export * from './socket.js';
