// 礼遇圈 store/list `updated` (and the native store's updatedAt) moves when a
// store is edited, to the edit's time by the service clock; `created` stays.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestRuntime, type TestRuntime } from '../../helpers/runtime.ts';
import { lyq, makeMerchant, type Merchant } from './helpers.ts';

let rt: TestRuntime;
let m: Merchant;

beforeAll(async () => {
  rt = await openTestRuntime();
  m = await makeMerchant(rt);
}, 60_000);
afterAll(async () => {
  rt.services.deps.now = undefined;
  await rt?.close();
});

const listed = async () =>
  (
    (await lyq(rt.app, 'manage/v3/store/list', {}, m.token)).body.data as { id: number; created: string; updated: string; name: string }[]
  ).find((s) => s.id === m.storeId)!;

describe('store/list updated', () => {
  it('equals created until an edit, then the time of the edit', async () => {
    const before = await listed();
    expect(before.updated).toBe(before.created);
    const at = new Date(Date.parse(before.created.replace('+0000', 'Z')) + 3 * 86_400_000 + 1234);
    rt.services.deps.now = () => at;
    const edit = await rt.app.inject({
      method: 'PATCH',
      url: `/api/v1/stores/${m.storeId}`,
      headers: m.t.auth,
      payload: { name: '外婆味道南屏旗舰店' },
    });
    expect(edit.statusCode, edit.body).toBe(200);
    expect(edit.json()).toMatchObject({
      updatedAt: at.toISOString(),
      createdAt: new Date(before.created.replace('+0000', 'Z')).toISOString(),
    });
    rt.services.deps.now = undefined;
    const after = await listed();
    expect(after).toMatchObject({ name: '外婆味道南屏旗舰店', created: before.created, updated: at.toISOString().replace('Z', '+0000') });
    const native = await rt.app.inject({ method: 'GET', url: '/api/v1/stores', headers: m.t.auth });
    expect(native.json().items.find((s: { id: number }) => s.id === m.storeId).updatedAt).toBe(at.toISOString());
  });
});
