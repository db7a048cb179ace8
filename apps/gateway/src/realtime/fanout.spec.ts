import { describe, expect, it } from '@jest/globals';
import { RecentIds } from './fanout.js';

describe('RecentIds', () => {
  it('remembers ids up to its capacity, forgetting the oldest first', () => {
    const ids = new RecentIds(2);
    ids.add('a');
    ids.add('b');
    expect(ids.has('a')).toBe(true);
    ids.add('c');
    expect(ids.has('a')).toBe(false);
    expect(ids.has('b')).toBe(true);
    expect(ids.has('c')).toBe(true);
  });
});
