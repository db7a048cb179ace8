export * from './cbor.js';
export * from './soft-authenticator.js';
