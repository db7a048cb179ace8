export * from './accounts.js';
export * from './courses.js';
export * from './errors.js';
export * from './events.js';
export * from './rooms.js';
export * from './roster-import.js';
export * from './rpc.js';
export * from './socket.js';
