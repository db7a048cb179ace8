export * from './rpc.js';
export * from './socket.js';
