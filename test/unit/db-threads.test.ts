import { describe, expect, it } from 'vitest';
import { engineThreads } from '../../src/db/threads.ts';

describe('engineThreads', () => {
  it('one thread without cross-origin isolation, whatever is asked', () => {
    expect(engineThreads(false, 16)).toBe(1);
    expect(engineThreads(false, 16, '4')).toBe(1);
  });

  it('leaves a core to the page, at most eight', () => {
    expect([1, 2, 3, 4, 8, 9, 64].map((c) => engineThreads(true, c))).toEqual([1, 1, 2, 3, 7, 8, 8]);
    expect(engineThreads(true, undefined)).toBe(1);
  });

  it('takes ?threads=N from 1 to 16, and ignores anything else', () => {
    expect(engineThreads(true, 2, '2')).toBe(2);
    expect(engineThreads(true, 4, '16')).toBe(16);
    for (const bad of ['0', '17', '2.5', '-1', 'two', '']) expect(engineThreads(true, 4, bad)).toBe(3);
  });
});
