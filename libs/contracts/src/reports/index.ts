export * from './errors.js';
export * from './events.js';
export * from './rpc.js';
export * from './socket.js';
export * from './attendance-rate.js';
