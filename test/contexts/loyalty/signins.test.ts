import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestRuntime, type TestRuntime } from '../../helpers/runtime.ts';
import { makeTenant, makeUser, type TenantFixture } from '../../helpers/fixtures.ts';
import { signInService } from '../../../src/contexts/loyalty/signins.ts';
import { scoreForStreak } from '../../../src/contexts/loyalty/domain/sign-in-streak.ts';
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
    const rules = [
      { continuous: 1, score: 1 },
      { continuous: 3, score: 5 },
      { continuous: 7, score: 20 },
    ];
    expect([1, 2, 3, 6, 7, 30].map((n) => scoreForStreak(rules, n))).toEqual([1, 1, 5, 5, 20, 20]);
    expect(scoreForStreak([], 5)).toBe(0);
  });

  it('continues from yesterday (tenant zone), restarts after a gap, one per local day', async () => {
    let now = new Date('2026-03-01T15:59:00Z'); // 23:59 in Shanghai, 1 March
    const s = signInService({ ...rt.services.deps, now: () => now });
    await s.setRules(
      t.tenantId,
      [
        { continuous: 1, score: 2 },
        { continuous: 2, score: 4 },
      ],
      null,
    );
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

describe('sign-in points', () => {
  it("credits the rule's points once per local day, with one ledger entry and the caller's remark", async () => {
    let now = new Date('2026-04-10T01:00:00Z');
    const s = signInService({ ...rt.services.deps, now: () => now });
    const tz = await makeTenant(rt.services, rt.app, { timezone: 'Asia/Shanghai' });
    await s.setRules(
      tz.tenantId,
      [
        { continuous: 1, score: 3 },
        { continuous: 2, score: 7 },
      ],
      null,
    );
    const u = await makeUser(rt.services, tz.tenantId);
    const labels = { remark: (n: number) => `day ${n}` };
    expect((await s.sign(tz.tenantId, u.id, labels)).ok).toBe(true);
    const again = await s.sign(tz.tenantId, u.id, labels);
    expect(again.ok ? null : again.error.code).toBe('conflict');
    now = new Date('2026-04-11T01:00:00Z');
    expect(await s.sign(tz.tenantId, u.id, labels)).toMatchObject({ ok: true, value: { continuous: 2, score: 7 } });
    const entries = await rt.db.query<{ delta: number; ref: string; remark: string }>(
      `SELECT delta, ref, remark FROM points_ledger WHERE tenant_id = $1 AND user_id = $2 AND reason = 'sign_in' ORDER BY id`,
      [tz.tenantId, u.id],
    );
    expect(entries.rows).toEqual([
      { delta: 3, ref: 'signin:2026-04-10', remark: 'day 1' },
      { delta: 7, ref: 'signin:2026-04-11', remark: 'day 2' },
    ]);
    expect((await rt.services.users.get(tz.tenantId, u.id))!.points).toBe(10);
    expect(await s.today(tz.tenantId, u.id)).toMatchObject({ day: '2026-04-11', continuous: 2 });
  });

  it('refuses bad rule sets and keeps the old ones', async () => {
    const s = signInService(rt.services.deps);
    const tz = await makeTenant(rt.services, rt.app);
    await s.setRules(tz.tenantId, [{ continuous: 1, score: 1 }], null);
    const twice = await s.setRules(
      tz.tenantId,
      [
        { continuous: 2, score: 1 },
        { continuous: 2, score: 3 },
      ],
      null,
    );
    expect(twice.ok ? null : twice.error.code).toBe('invalid_input');
    expect((await s.setRules(tz.tenantId, [{ continuous: 0, score: 1 }], null)).ok).toBe(false);
    expect(await s.rules(tz.tenantId)).toEqual([{ continuous: 1, score: 1 }]);
  });

  it('a day without rules signs in for no points and writes no ledger entry', async () => {
    const s = signInService(rt.services.deps);
    const tz = await makeTenant(rt.services, rt.app);
    const u = await makeUser(rt.services, tz.tenantId);
    expect(await s.sign(tz.tenantId, u.id)).toMatchObject({ ok: true, value: { continuous: 1, score: 0 } });
    const n = await rt.db.query('SELECT 1 FROM points_ledger WHERE tenant_id = $1 AND user_id = $2', [tz.tenantId, u.id]);
    expect(n.rowCount).toBe(0);
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
