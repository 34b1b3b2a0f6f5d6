import { describe, expect, it } from 'vitest';
import { Gate } from '../../src/lib/gate.ts';
import { isAbortError } from '../../src/lib/errors.ts';

const tick = () => new Promise((r) => setTimeout(r, 0));

describe('Gate', () => {
  it('holds waiters until their key opens, and lets later waiters through at once', async () => {
    const gate = new Gate();
    const seen: string[] = [];
    void gate.wait('v1').then(() => seen.push('a'));
    void gate.wait('v2').then(() => seen.push('b'));
    await tick();
    expect(seen).toEqual([]);
    gate.open('v1');
    await tick();
    expect(seen).toEqual(['a']);
    expect(gate.isOpen('v1')).toBe(true);
    expect(gate.isOpen('v2')).toBe(false);
    await gate.wait('v1');
    gate.open('v2');
    await tick();
    expect(seen).toEqual(['a', 'b']);
    // Opening v2 forgets v1: a workspace does not go back to an older version.
    expect(gate.isOpen('v1')).toBe(false);
  });

  it('rejects with an AbortError when the signal aborts first, and not after the key opened', async () => {
    const gate = new Gate();
    const c = new AbortController();
    const waiting = gate.wait('k', c.signal);
    c.abort();
    await expect(waiting).rejects.toSatisfy(isAbortError);
    await expect(gate.wait('k', c.signal)).rejects.toSatisfy(isAbortError);
    const d = new AbortController();
    const ok = gate.wait('k', d.signal);
    gate.open('k');
    await expect(ok).resolves.toBeUndefined();
    d.abort();
    await expect(gate.wait('k', d.signal)).resolves.toBeUndefined();
  });
});
