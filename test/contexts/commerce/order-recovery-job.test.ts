// The recovery scheduler runtime.ts starts: a pass at start, one per interval,
// never two at once, a failing pass logged, nothing after stop.
import pino from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { startOrderRecovery, type Recovered } from '../../../src/contexts/commerce/index.ts';

const none: Recovered = { finished: 0, undone: 0, released: 0, expired: 0 };

afterEach(() => vi.useRealTimers());

describe('startOrderRecovery', () => {
  it('runs at start and on each tick, joins a running pass, and stops', async () => {
    vi.useFakeTimers();
    let calls = 0;
    let release: () => void = () => {};
    const recover = vi.fn(() => {
      calls++;
      return new Promise<Recovered>((resolve) => (release = () => resolve(none)));
    });
    const job = startOrderRecovery(recover, pino({ level: 'silent' }), 1000);
    expect(calls).toBe(1);
    await vi.advanceTimersByTimeAsync(1000);
    expect(calls).toBe(1); // the first pass is still running: the tick joins it
    release();
    await vi.advanceTimersByTimeAsync(1000);
    expect(calls).toBe(2);
    release();
    await job.stop();
    await vi.advanceTimersByTimeAsync(5000);
    expect(calls).toBe(2);
    expect(await job.runOnce()).toBeNull();
  });

  it('logs a failing pass instead of throwing', async () => {
    vi.useFakeTimers();
    const log = pino({ level: 'silent' });
    const error = vi.spyOn(log, 'error');
    const job = startOrderRecovery(() => Promise.reject(new Error('db down')), log, 1000);
    expect(await job.runOnce()).toBeNull();
    expect(error).toHaveBeenCalled();
    await job.stop();
  });
});
