// Consumer registration, login and passwords, called on the use-cases directly (PGlite).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestRuntime, uniqueName, type TestRuntime } from '../../helpers/runtime.ts';
import { makeTenant, type TenantFixture } from '../../helpers/fixtures.ts';
import {
  consumerAuthService,
  CONSUMER_CODE_PURPOSE,
  CONSUMER_LOGIN_LIMITS,
  type SellerReferrals,
} from '../../../src/contexts/identity/index.ts';
import type { Principal } from '../../../src/kernel/deps.ts';

let rt: TestRuntime;
let t: TenantFixture;
let owner: Principal;
let ip = 0;
const nextIp = () => `10.8.0.${++ip}`;
let m = 0;
const newMobile = () => `137${process.pid % 1000}${String(++m).padStart(5, '0')}`.slice(0, 11);

beforeAll(async () => {
  rt = await openTestRuntime();
  t = await makeTenant(rt.services, rt.app);
  owner = (await rt.services.auth.authenticate(t.token))!;
});
afterAll(() => rt.close());

async function codeFor(channel: 'sms' | 'email', to: string): Promise<string> {
  const sent = await rt.services.messages.sendCode(t.tenantId, channel, to, CONSUMER_CODE_PURPOSE);
  if (!sent.ok) throw new Error(sent.error.message);
  const m = (await rt.services.messages.outbox(t.tenantId, 50)).find((x) => x.to === to && x.code);
  return m!.code!;
}
const usersWith = async (col: 'mobile' | 'username', v: string) =>
  (await rt.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM users WHERE tenant_id = $1 AND ${col} = $2`, [t.tenantId, v])).rows[0]!
    .n;

describe('consumer registration', () => {
  it('by username needs no code; the user logs in and the session authenticates', async () => {
    const username = uniqueName('u');
    const r = await rt.services.consumerAuth.register(t.tenantId, 'username', { id: username, password: 'secret-123', nick: 'N' });
    expect(r).toMatchObject({ ok: true, value: { username, nick: 'N', sellerId: null } });
    const l = await rt.services.consumerAuth.login(t.tenantId, 'username', username.toUpperCase(), 'secret-123', nextIp());
    if (!l.ok) throw new Error(l.error.message);
    expect(l.value.user.id).toBe(r.ok && r.value.id);
    expect(await rt.services.consumerAuth.authenticate(t.tenantId, l.value.token)).toMatchObject({
      tenantId: t.tenantId,
      userId: l.value.user.id,
    });
  });

  it('by mobile needs the code sent to it: none, a wrong one and a taken mobile are refused and register nobody', async () => {
    const mobile = newMobile();
    expect(await rt.services.consumerAuth.register(t.tenantId, 'mobile', { id: mobile, password: 'secret-123' })).toMatchObject({
      ok: false,
      error: { code: 'invalid_input' },
    });
    const code = await codeFor('sms', mobile);
    const wrong = code === '000000' ? '111111' : '000000';
    expect(
      await rt.services.consumerAuth.register(t.tenantId, 'mobile', { id: mobile, password: 'secret-123', code: wrong }),
    ).toMatchObject({ ok: false, error: { code: 'wrong_password' } });
    expect(await usersWith('mobile', mobile)).toBe(0);
    expect((await rt.services.consumerAuth.register(t.tenantId, 'mobile', { id: mobile, password: 'secret-123', code })).ok).toBe(true);
    expect(await rt.services.consumerAuth.register(t.tenantId, 'mobile', { id: mobile, password: 'secret-123', code })).toMatchObject({
      ok: false,
      error: { code: 'already_registered' },
    });
    expect(await usersWith('mobile', mobile)).toBe(1);
  });

  it('refuses a bad identifier, a short password and a bad source', async () => {
    const reg = (kind: 'mobile' | 'username' | 'email', id: string, password = 'secret-123', source?: string) =>
      rt.services.consumerAuth.register(t.tenantId, kind, { id, password, source });
    expect(await reg('mobile', '12ab')).toMatchObject({
      ok: false,
      error: { code: 'invalid_input', message: 'mobile must be 6-15 digits' },
    });
    expect(await reg('email', 'not-an-email')).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(await reg('username', uniqueName('u'), '123')).toMatchObject({
      ok: false,
      error: { code: 'invalid_input', message: 'password must be at least 6 characters' },
    });
    expect(await reg('username', uniqueName('u'), 'secret-123', 'bad source!')).toMatchObject({
      ok: false,
      error: { code: 'invalid_input' },
    });
  });
});

describe('consumer login', () => {
  it('tells an unknown user from a wrong password, counts failures, and refuses a disabled user', async () => {
    const username = uniqueName('l');
    const r = await rt.services.consumerAuth.register(t.tenantId, 'username', { id: username, password: 'secret-123' });
    if (!r.ok) throw new Error(r.error.message);
    expect(await rt.services.consumerAuth.login(t.tenantId, 'username', uniqueName('nobody'), 'secret-123', nextIp())).toMatchObject({
      ok: false,
      error: { code: 'not_found' },
    });
    for (let i = 0; i < CONSUMER_LOGIN_LIMITS.perAccount; i++) {
      expect(await rt.services.consumerAuth.login(t.tenantId, 'username', username, `wrong-${i}`, nextIp())).toMatchObject({
        ok: false,
        error: { code: 'invalid_credentials' },
      });
    }
    expect(await rt.services.consumerAuth.login(t.tenantId, 'username', username, 'secret-123', nextIp())).toMatchObject({
      ok: false,
      error: { code: 'rate_limited' },
    });

    const other = uniqueName('d');
    const d = await rt.services.consumerAuth.register(t.tenantId, 'username', { id: other, password: 'secret-123' });
    if (!d.ok) throw new Error(d.error.message);
    const before = await rt.services.consumerAuth.login(t.tenantId, 'username', other, 'secret-123', nextIp());
    if (!before.ok) throw new Error(before.error.message);
    await rt.db.query('UPDATE users SET disabled = true WHERE id = $1', [d.value.id]);
    expect(await rt.services.consumerAuth.login(t.tenantId, 'username', other, 'secret-123', nextIp())).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
    const fresh = consumerAuthService(rt.services.deps, rt.services.messages);
    expect(await fresh.authenticate(t.tenantId, before.value.token)).toBeNull();
  });

  it('a token of one tenant does not authenticate in another', async () => {
    const t2 = await makeTenant(rt.services, rt.app);
    const username = uniqueName('x');
    const r = await rt.services.consumerAuth.register(t.tenantId, 'username', { id: username, password: 'secret-123' });
    if (!r.ok) throw new Error(r.error.message);
    const s = await rt.services.consumerAuth.openSession(t.tenantId, r.value.id);
    expect(await rt.services.consumerAuth.authenticate(t2.tenantId, s.token)).toBeNull();
    await rt.services.consumerAuth.logout(t.tenantId, s.token);
    expect(await rt.services.consumerAuth.authenticate(t.tenantId, s.token)).toBeNull();
  });
});

describe('consumer passwords and identifiers', () => {
  it('a reset with the code sets the new password and ends every session', async () => {
    const mobile = newMobile();
    const reg = await rt.services.users.create(t.tenantId, { mobile, password: 'secret-123' }, owner);
    if (!reg.ok) throw new Error(reg.error.message);
    const s = await rt.services.consumerAuth.openSession(t.tenantId, reg.value.id);
    expect(await rt.services.consumerAuth.authenticate(t.tenantId, s.token)).not.toBeNull();
    const code = await codeFor('sms', mobile);
    expect(await rt.services.consumerAuth.resetPassword(t.tenantId, 'mobile', mobile, code, '123')).toMatchObject({
      ok: false,
      error: { code: 'invalid_input' },
    });
    expect(await rt.services.consumerAuth.resetPassword(t.tenantId, 'mobile', newMobile(), code, 'new-secret-1')).toMatchObject({
      ok: false,
      error: { code: 'not_found' },
    });
    expect((await rt.services.consumerAuth.resetPassword(t.tenantId, 'mobile', mobile, code, 'new-secret-1')).ok).toBe(true);
    expect(await rt.services.consumerAuth.authenticate(t.tenantId, s.token)).toBeNull();
    expect((await rt.services.consumerAuth.login(t.tenantId, 'mobile', mobile, 'secret-123', nextIp())).ok).toBe(false);
    expect((await rt.services.consumerAuth.login(t.tenantId, 'mobile', mobile, 'new-secret-1', nextIp())).ok).toBe(true);
  });

  it("binding a username taken by someone else is refused; one's own is fine", async () => {
    const a = uniqueName('a');
    const b = uniqueName('b');
    const ua = await rt.services.consumerAuth.register(t.tenantId, 'username', { id: a, password: 'secret-123' });
    const ub = await rt.services.consumerAuth.register(t.tenantId, 'username', { id: b, password: 'secret-123' });
    if (!ua.ok || !ub.ok) throw new Error('register');
    expect(await rt.services.consumerAuth.bind(t.tenantId, ub.value.id, 'username', a)).toMatchObject({
      ok: false,
      error: { code: 'already_registered' },
    });
    const renamed = uniqueName('c');
    expect(await rt.services.consumerAuth.bind(t.tenantId, ub.value.id, 'username', renamed, { password: 'changed-1' })).toMatchObject({
      ok: true,
      value: { username: renamed },
    });
    expect((await rt.services.consumerAuth.login(t.tenantId, 'username', renamed, 'changed-1', nextIp())).ok).toBe(true);
  });

  it('profile changes are checked and merged; the profile speaks domain words', async () => {
    const u = await rt.services.users.create(t.tenantId, { username: uniqueName('p') }, owner);
    if (!u.ok) throw new Error(u.error.message);
    expect(await rt.services.consumerAuth.modify(t.tenantId, u.value.id, { gender: 7 })).toMatchObject({
      ok: false,
      error: { code: 'invalid_input' },
    });
    expect(await rt.services.consumerAuth.modify(t.tenantId, u.value.id, { extJsonStr: '[1]' })).toMatchObject({
      ok: false,
      error: { code: 'invalid_input' },
    });
    expect((await rt.services.consumerAuth.modify(t.tenantId, u.value.id, { city: 'Hangzhou', extJsonStr: '{"a":1}' })).ok).toBe(true);
    expect((await rt.services.consumerAuth.modify(t.tenantId, u.value.id, { extJsonStr: '{"b":2}' })).ok).toBe(true);
    expect(await rt.services.consumerAuth.profile(t.tenantId, u.value.id)).toMatchObject({
      id: u.value.id,
      city: 'Hangzhou',
      gender: 0,
      ext: { a: 1, b: 2 },
      referrerId: null,
    });
    expect(await rt.services.consumerAuth.modify(t.tenantId, 987654321, { city: 'x' })).toMatchObject({
      ok: false,
      error: { code: 'not_found' },
    });
  });
});

describe('seller referrals at registration (the collaborator)', () => {
  it('a referral code binds the new consumer to the seller the collaborator names; an unknown code registers nobody', async () => {
    const seller = await rt.services.staff.create(
      t.tenantId,
      { username: uniqueName('s'), password: 'seller-pass-1', role: 'seller' },
      owner,
    );
    if (!seller.ok) throw new Error(seller.error.message);
    const referrals: SellerReferrals = {
      sellerByReferral: async (_q, _t, code) => (code.toUpperCase() === 'GOOD1' ? seller.value.id : null),
      sellerOfAccount: async () => null,
    };
    const auth = consumerAuthService(rt.services.deps, rt.services.messages, referrals);
    const name = uniqueName('r');
    const r = await auth.register(t.tenantId, 'username', { id: name, password: 'secret-123', referralCode: ' good1 ' });
    expect(r).toMatchObject({ ok: true, value: { sellerId: seller.value.id } });
    const row = await rt.db.query<{ seller_channel: string }>('SELECT seller_channel FROM users WHERE username = $1', [name]);
    expect(row.rows[0]!.seller_channel).toBe('referral');
    const nobody = uniqueName('n');
    expect(await auth.register(t.tenantId, 'username', { id: nobody, password: 'secret-123', referralCode: 'BAD' })).toMatchObject({
      ok: false,
      error: { code: 'not_found', details: { field: 'referralCode' } },
    });
    expect(await usersWith('username', nobody)).toBe(0);
  });

  it("a referrer who is a seller's own account binds with channel referrer; any other referrer only refers", async () => {
    const seller = await rt.services.staff.create(
      t.tenantId,
      { username: uniqueName('s'), password: 'seller-pass-1', role: 'seller' },
      owner,
    );
    const sellerAccount = await rt.services.users.create(t.tenantId, { username: uniqueName('sa') }, owner);
    const plain = await rt.services.users.create(t.tenantId, { username: uniqueName('pl') }, owner);
    if (!seller.ok || !sellerAccount.ok || !plain.ok) throw new Error('setup');
    const auth = consumerAuthService(rt.services.deps, rt.services.messages, {
      sellerByReferral: async () => null,
      sellerOfAccount: async (_q, _t, userId) => (userId === sellerAccount.value.id ? seller.value.id : null),
    });
    const viaSeller = await auth.register(t.tenantId, 'username', {
      id: uniqueName('v'),
      password: 'secret-123',
      referrerId: sellerAccount.value.id,
    });
    expect(viaSeller).toMatchObject({ ok: true, value: { sellerId: seller.value.id, referrerId: sellerAccount.value.id } });
    const viaPlain = await auth.register(t.tenantId, 'username', {
      id: uniqueName('w'),
      password: 'secret-123',
      referrerId: plain.value.id,
    });
    expect(viaPlain).toMatchObject({ ok: true, value: { sellerId: null, referrerId: plain.value.id } });
    const viaUnknown = await auth.register(t.tenantId, 'username', { id: uniqueName('z'), password: 'secret-123', referrerId: 987654321 });
    expect(viaUnknown).toMatchObject({ ok: true, value: { referrerId: null } });
  });
});
