export * from './erase.js';
export * from './export.js';
export * from './rpc.js';
export * from './socket.js';
