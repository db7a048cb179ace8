import { describe, expect, it } from '@jest/globals';
import { personName } from './people-names.js';

describe('personName', () => {
  it('gives 1,600 different realistic names before any repeats', () => {
    const names = Array.from({ length: 1_600 }, (_, i) => personName(i));
    expect(new Set(names).size).toBe(1_600);
    for (const name of names) expect(name).toMatch(/^[A-Z][a-z]+ [A-Z][a-z]+$/);
  });
});
