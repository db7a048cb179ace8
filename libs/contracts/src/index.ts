// Shared building blocks
export * from './primitives.js';
export * from './limits.js';
export * from './webauthn.js';
export * from './validation.js';
export * from './permissions.js';
export * from './schema-text-fields.js';
export * from './nats.js';
// The maps each transport uses, joined from the contexts' slices
export * from './error-codes.js';
export * from './rpc.js';
export * from './events.js';
export * from './socket.js';
// One folder per bounded context
export * from './sessions/index.js';
export * from './checkin/index.js';
export * from './passkeys/index.js';
export * from './devices/index.js';
export * from './flags/index.js';
export * from './reports/index.js';
export * from './directory/index.js';
export * from './sign-in/index.js';
export * from './audit/index.js';
export * from './operations/index.js';
export * from './webhooks/index.js';
export * from './warnings/index.js';
export * from './push/index.js';
export * from './privacy/index.js';
