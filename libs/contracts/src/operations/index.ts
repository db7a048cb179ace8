export * from './dead-letters.js';
export * from './socket.js';
