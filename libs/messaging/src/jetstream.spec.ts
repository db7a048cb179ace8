import { describe, expect, it } from '@jest/globals';
import { decodeOwnEvent } from './jetstream.js';

const bytes = (v: unknown) => new TextEncoder().encode(typeof v === 'string' ? v : JSON.stringify(v));

describe('decodeOwnEvent', () => {
  it('reads a CloudEvent as published, without parsing its data again', () => {
    const event = { specversion: '1.0', id: 'verdict:1', source: '/verification', type: 'edu.classconnect.attendance.checkin.verified.v1', time: '2026-05-01T08:00:00.000Z', datacontenttype: 'application/json', data: { anything: 1 } };
    expect(decodeOwnEvent(bytes(event))).toEqual(event);
  });

  it('refuses what is not JSON, or not an event with an id, a type and data', () => {
    expect(() => decodeOwnEvent(bytes('{"id":'))).toThrow();
    expect(() => decodeOwnEvent(bytes(null))).toThrow('not a CloudEvent');
    expect(() => decodeOwnEvent(bytes({ id: 'x', type: 'edu.classconnect.a.v1' }))).toThrow('not a CloudEvent');
    expect(() => decodeOwnEvent(bytes({ id: 'x', type: 'edu.classconnect.a.v1', data: 'text' }))).toThrow('not a CloudEvent');
    expect(() => decodeOwnEvent(bytes({ type: 'edu.classconnect.a.v1', data: {} }))).toThrow('not a CloudEvent');
  });
});
