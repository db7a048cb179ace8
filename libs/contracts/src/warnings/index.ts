export * from './events.js';
export * from './rpc.js';
export * from './socket.js';
