// Shipping addresses below the dialect: one default per user, moved in one
// transaction; refusals write nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestRuntime, type TestRuntime } from '../../helpers/runtime.ts';
import { makeTenant, makeUser, type TenantFixture } from '../../helpers/fixtures.ts';
import { MAX_ADDRESSES, type AddressInput } from '../../../src/contexts/commerce/index.ts';

let rt: TestRuntime;
let t: TenantFixture;

beforeAll(async () => {
  rt = await openTestRuntime();
  t = await makeTenant(rt.services, rt.app);
}, 60_000);
afterAll(async () => rt?.close());

const addr = (fields: Partial<AddressInput> = {}): AddressInput => ({
  linkMan: 'Li Lei',
  mobile: '13800001111',
  provinceId: '110000',
  cityId: '110100',
  address: '1 Long St',
  ...fields,
});
const a = () => rt.services.addresses;
const defaults = async (userId: number) =>
  (await a().list(t.tenantId, userId, { limit: 100, offset: 0 })).items.filter((x) => x.isDefault).map((x) => x.id);

describe('addresses', () => {
  it('makes the first address the default, and a new default clears the old one', async () => {
    const u = await makeUser(rt.services, t.tenantId);
    const first = await a().add(t.tenantId, u.id, addr());
    if (!first.ok) throw new Error(first.error.message);
    expect(first.value.isDefault).toBe(true);
    const second = await a().add(t.tenantId, u.id, addr({ linkMan: 'Han Meimei' }));
    expect(second.ok && second.value.isDefault).toBe(false);
    const third = await a().add(t.tenantId, u.id, addr({ isDefault: true }));
    if (!third.ok) throw new Error(third.error.message);
    expect(await defaults(u.id)).toEqual([third.value.id]);
    // Updating another one to default moves it again.
    const up = await a().update(t.tenantId, u.id, second.ok ? second.value.id : 0, addr({ linkMan: 'Han Meimei', isDefault: true }));
    expect(up.ok && up.value.isDefault).toBe(true);
    expect(await defaults(u.id)).toEqual([second.ok ? second.value.id : 0]);
    expect((await a().defaultOf(t.tenantId, u.id))!.linkMan).toBe('Han Meimei');
  });

  it('keeps one default when two defaults are added at once', async () => {
    const u = await makeUser(rt.services, t.tenantId);
    const rs = await Promise.all(
      Array.from({ length: 4 }, (_, i) => a().add(t.tenantId, u.id, addr({ linkMan: `L${i}`, isDefault: true }))),
    );
    expect(rs.every((r) => r.ok)).toBe(true);
    expect((await defaults(u.id)).length).toBe(1);
  });

  it('an update of a missing address refuses and leaves the default where it was', async () => {
    const u = await makeUser(rt.services, t.tenantId);
    const first = await a().add(t.tenantId, u.id, addr());
    const r = await a().update(t.tenantId, u.id, 999_999, addr({ isDefault: true }));
    expect(!r.ok && r.error.code).toBe('not_found');
    expect(await defaults(u.id)).toEqual([first.ok ? first.value.id : 0]);
  });

  it('refuses bad input and more than the maximum, and keeps users apart', async () => {
    const u = await makeUser(rt.services, t.tenantId);
    const bad = await a().add(t.tenantId, u.id, addr({ mobile: 'call me' }));
    expect(!bad.ok && bad.error.code).toBe('invalid_input');
    const none = await a().add(t.tenantId, u.id, addr({ linkMan: ' ' }));
    expect(!none.ok && none.error.message).toBe('linkMan is required');
    for (let i = 0; i < MAX_ADDRESSES; i++) await a().add(t.tenantId, u.id, addr());
    const over = await a().add(t.tenantId, u.id, addr());
    expect(!over.ok && over.error.code).toBe('invalid_state');
    const other = await makeUser(rt.services, t.tenantId);
    const mine = (await a().list(t.tenantId, u.id, { limit: 1, offset: 0 })).items[0]!;
    expect(await a().get(t.tenantId, other.id, mine.id)).toBeNull();
    const del = await a().remove(t.tenantId, other.id, mine.id);
    expect(!del.ok && del.error.code).toBe('not_found');
    expect((await a().remove(t.tenantId, u.id, mine.id)).ok).toBe(true);
    expect((await a().list(t.tenantId, u.id, { limit: 1, offset: 0 })).total).toBe(MAX_ADDRESSES - 1);
  });
});
