import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestRuntime, type TestRuntime } from '../../helpers/runtime.ts';
import { makeTenant, makeUser, type TenantFixture } from '../../helpers/fixtures.ts';
import { scoreForStreak, signInService } from '../../../src/contexts/loyalty/signins.ts';
import { consumerAuthService, CONSUMER_SESSION_DAYS } from '../../../src/contexts/identity/consumer-auth.ts';
import { messageService } from '../../../src/contexts/platform/messages.ts';

let rt: TestRuntime;
let t: TenantFixture;

beforeAll(async () => {
  rt = await openTestRuntime();
  t = await makeTenant(rt.services, rt.app, { timezone: 'Asia/Shanghai' });
});
afterAll(async () => rt?.close());

describe('sign-in streaks', () => {
  it('picks the highest rule not above the streak', () => {
    const rules = [{ continuous: 1, score: 1 }, { continuous: 3, score: 5 }, { continuous: 7, score: 20 }];
    expect([1, 2, 3, 6, 7, 30].map((n) => scoreForStreak(rules, n))).toEqual([1, 1, 5, 5, 20, 20]);
    expect(scoreForStreak([], 5)).toBe(0);
  });

  it('continues from yesterday (tenant zone), restarts after a gap, one per local day', async () => {
    let now = new Date('2026-03-01T15:59:00Z'); // 23:59 in Shanghai, 1 March
    const s = signInService({ ...rt.services.deps, now: () => now });
    await s.setRules(t.tenantId, [{ continuous: 1, score: 2 }, { continuous: 2, score: 4 }], null);
    const u = await makeUser(rt.services, t.tenantId);
    expect(await s.sign(t.tenantId, u.id)).toMatchObject({ ok: true, value: { day: '2026-03-01', continuous: 1, score: 2 } });
    now = new Date('2026-03-01T16:01:00Z'); // 00:01 on 2 March in Shanghai
    expect(await s.sign(t.tenantId, u.id)).toMatchObject({ ok: true, value: { day: '2026-03-02', continuous: 2, score: 4 } });
    expect((await s.sign(t.tenantId, u.id)).ok).toBe(false);
    now = new Date('2026-03-05T02:00:00Z');
    expect(await s.sign(t.tenantId, u.id)).toMatchObject({ ok: true, value: { day: '2026-03-05', continuous: 1 } });
    expect((await rt.services.users.get(t.tenantId, u.id))!.points).toBe(8);
    const logs = await s.logs(t.tenantId, u.id, { from: '2026-03-02', to: '2026-03-05', limit: 10, offset: 0 });
    expect(logs.items.map((x) => x.day)).toEqual(['2026-03-05', '2026-03-02']);
  });
});

describe('consumer sessions', () => {
  it('expire after their lifetime and are stored hashed', async () => {
    let now = new Date();
    const auth = consumerAuthService({ ...rt.services.deps, now: () => now }, messageService(rt.services.deps));
    const u = await makeUser(rt.services, t.tenantId);
    const s = await auth.openSession(t.tenantId, u.id);
    const stored = await rt.db.query<{ token_hash: Buffer }>('SELECT token_hash FROM user_sessions WHERE user_id = $1', [u.id]);
    expect(Buffer.from(stored.rows[0]!.token_hash).toString('utf8')).not.toContain(s.token);
    expect(await auth.authenticate(t.tenantId, s.token)).toMatchObject({ userId: u.id });
    const other = await makeTenant(rt.services, rt.app);
    expect(await auth.authenticate(other.tenantId, s.token)).toBeNull();
    now = new Date(Date.now() + (CONSUMER_SESSION_DAYS + 1) * 86400_000);
    const fresh = consumerAuthService({ ...rt.services.deps, now: () => now }, messageService(rt.services.deps));
    expect(await fresh.authenticate(t.tenantId, s.token)).toBeNull();
  });
});
