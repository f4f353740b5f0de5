// The console's membership cards, shop and organisation pages in a real
// browser: create a card product and a recharge event, open a card for a
// phone, recharge it and see the balance, spend with the card password (a
// wrong one is refused), refund the expense with the SMS code the staff member
// received (read from the dev outbox), see the ledger and the member's cards;
// record an invoice; create goods with SKUs; departments; edit staff and
// stores. Screenshots go to test-results/screenshots/.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { confirmDialog, DEMO, nav, openHarness, pick, type Harness } from './harness.ts';

let h: Harness;
const PHONE = '13700001234';
const STAFF_PHONE = '13900009999';

beforeAll(async () => {
  h = await openHarness();
  await h.api('POST', '/stores', { name: '静安店', area: '上海' });
  // Refund codes go to the staff member's phone: give the demo owner one.
  const me = await h.api<{ staff: { id: number } }>('GET', '/me');
  await h.api('PATCH', `/staff/${me.staff.id}`, { phone: STAFF_PHONE });
  const { page } = h;
  await page.goto(`${h.url}/admin/`);
  await page.getByPlaceholder('用户名').fill(DEMO.username);
  await page.getByPlaceholder('密码').fill(DEMO.password);
  await page.getByTestId('login-submit').click();
  await page.getByRole('heading', { name: '数据概览' }).waitFor();
});

afterEach(async (ctx) => {
  if (ctx.task.result?.state === 'fail') await h?.shot(`failed-${ctx.task.name.replace(/\W+/g, '-')}`).catch(() => undefined);
});

afterAll(async () => {
  await h?.close();
});

const drawer = () => h.page.locator('.ant-drawer:visible').last();
const modal = (title: string | RegExp) => h.page.locator('.ant-modal:not(.ant-modal-confirm):visible', { hasText: title });
const balances = () => h.page.getByTestId('card-balances').innerText();

describe('membership cards', () => {
  it('shows the new pages in the owner menu', async () => {
    const menu = await h.page.getByTestId('menu').innerText();
    for (const item of ['会员卡', '卡产品', '开票', '商品', '订单', '部门']) expect(menu).toContain(item);
  });

  it('creates a card product and a recharge event', async () => {
    const { page } = h;
    await nav(page, '卡产品');
    await page.getByTestId('cp-new').click();
    const m = modal('新建卡产品');
    await m.getByLabel('名称').fill('储值金卡');
    await m.locator('.ant-btn-primary').click();
    await m.waitFor({ state: 'hidden' });
    // The new product opens; add "recharge 100, get 20".
    await expect.poll(() => drawer().innerText()).toContain('储值金卡');
    await page.getByTestId('cp-event-new').click();
    const e = modal('新建充值活动');
    await e.getByLabel('名称').fill('充100送20');
    await e.getByLabel('充值金额').fill('100');
    await e.getByLabel('赠送金额').fill('20');
    await e.locator('.ant-btn-primary').click();
    await e.waitFor({ state: 'hidden' });
    await expect.poll(() => drawer().innerText()).toContain('充100送20');
    expect(await drawer().innerText()).toContain('¥20.00');
    await h.shot('20-card-product');
    await drawer().locator('.ant-drawer-close').click();
    await expect.poll(() => page.locator('.ant-table').first().innerText()).toContain('储值卡');
    await h.shot('21-card-products');
  });

  it('opens a card for a phone, recharges it by the event and shows the balance', async () => {
    const { page } = h;
    await nav(page, '会员卡');
    await page.getByRole('heading', { name: '会员卡', exact: true }).waitFor();
    await page.getByTestId('card-open').click();
    const m = modal('开卡');
    await pick(page, 'open-product', '储值金卡');
    await m.getByLabel('手机号').fill(PHONE);
    await m.locator('.ant-btn-primary').click();
    // The new card opens in its drawer, empty.
    await expect.poll(balances).toMatch(/余额\s*¥0\.00/);
    expect(await drawer().innerText()).toContain(PHONE);

    await page.getByTestId('card-recharge').click();
    const r = modal(/充值 ·/);
    await r.getByText('按充值活动').click();
    await pick(page, 'recharge-event', '充100送20');
    await r.getByRole('button', { name: '下一步' }).click();
    // The confirmation says exactly what happens.
    await confirmDialog(page, /为卡 \S+ 充值 ¥100\.00，赠送 ¥20\.00。\s*充值后余额 ¥120\.00/);
    await expect.poll(balances).toMatch(/余额\s*¥120\.00/);
    expect(await balances()).toMatch(/本金\s*¥100\.00/);
    expect(await balances()).toMatch(/赠送金\s*¥20\.00/);
    await expect.poll(() => page.getByTestId('card-ledger').innerText()).toContain('充值');
  });

  it('spends with the card password, refusing a wrong one', async () => {
    const { page } = h;
    await page.getByTestId('card-spend').click();
    const s = modal(/消费 ·/);
    await s.getByLabel('消费金额').fill('30');
    await s.getByLabel('卡密码').fill('999999');
    await s.getByRole('button', { name: '下一步' }).click();
    await confirmDialog(page, /从卡 \S+ 扣款 ¥30\.00.*扣后余额 ¥90\.00/);
    await expect.poll(() => page.locator('.ant-message').innerText()).toContain('密码或验证码不正确');
    expect(await balances()).toMatch(/余额\s*¥120\.00/);
    // The default password: the last six digits of the phone.
    await s.getByLabel('卡密码').fill(PHONE.slice(-6));
    await s.getByRole('button', { name: '下一步' }).click();
    await confirmDialog(page, '扣款 ¥30.00');
    await expect.poll(balances).toMatch(/余额\s*¥90\.00/);
    await h.shot('22-card-detail');
  });

  it('refunds the expense with the SMS code the staff member received', async () => {
    const { page } = h;
    const row = page.getByTestId('card-ledger').locator('tr', { hasText: '消费' });
    await row.getByRole('button', { name: /退\s*款/ }).click();
    const r = modal(/退款 ·/);
    expect(await r.innerText()).toContain('¥30.00 退回卡');
    await page.getByTestId('refund-send-code').click();
    await expect.poll(() => r.innerText()).toContain('验证码已发送至');
    // In development the code lands in the dev outbox; the staff member types what they received.
    const outbox = await h.api<{ items: { to: string; code: string | null; purpose: string | null }[] }>('GET', '/dev/outbox');
    const sms = outbox.items.find((m) => m.to === STAFF_PHONE && m.code);
    expect(sms).toBeTruthy();
    await page.getByTestId('refund-code').fill(sms!.code!);
    await h.shot('23-card-refund');
    await r.getByRole('button', { name: '下一步' }).click();
    await confirmDialog(page, /将把消费 \d+ 的 ¥30\.00 退回卡/);
    await expect.poll(balances).toMatch(/余额\s*¥120\.00/);
    const ledger = page.getByTestId('card-ledger');
    await expect.poll(() => ledger.innerText()).toContain('消费退款');
    expect(await ledger.innerText()).toContain('已退款');
    expect((await ledger.locator('tbody tr').allInnerTexts()).length).toBe(3);
    await drawer().locator('.ant-drawer-close').click();
  });

  it('lists the card and every movement with totals', async () => {
    const { page } = h;
    await page.getByTestId('card-search-phone').fill(PHONE);
    await page.getByTestId('card-search').click();
    await expect.poll(() => page.getByTestId('card-table').innerText()).toContain('¥120.00');
    await h.shot('24-cards');
    await page.getByRole('tab', { name: '收支流水' }).click();
    await expect.poll(() => page.locator('[role="tabpanel"]:visible').innerText()).toContain('消费退款');
    await h.shot('25-card-records');
    await page.getByRole('tab', { name: '卡列表' }).click();
  });

  it("shows the member's cards on the members page", async () => {
    const { page } = h;
    await nav(page, '会员');
    await page.locator('tr', { hasText: PHONE }).click();
    await expect.poll(() => page.getByTestId('user-cards').innerText()).toContain('储值金卡');
    expect(await page.getByTestId('user-cards').innerText()).toContain('¥120.00');
    await h.shot('26-member-cards');
    await drawer().locator('.ant-drawer-close').click();
  });

  it('records an invoice, never more than still invoiceable', async () => {
    const { page } = h;
    await nav(page, '开票');
    await page.getByTestId('inv-new').click();
    const m = modal('登记发票');
    await m.getByPlaceholder('手机号').fill(PHONE);
    await m.getByRole('button', { name: /查\s*询/ }).click();
    await expect.poll(() => m.innerText()).toMatch(/可开票\s*¥100\.00/);
    await m.getByLabel('金额').fill('150');
    await m.getByRole('button', { name: '下一步' }).click();
    await expect.poll(() => m.innerText()).toContain('不能超过可开票金额 ¥100.00');
    await m.getByLabel('金额').fill('60');
    await m.getByRole('button', { name: '下一步' }).click();
    await confirmDialog(page, /登记发票 ¥60\.00，登记后可开票余额 ¥40\.00/);
    await expect.poll(() => page.locator('.ant-table').innerText()).toContain('¥60.00');
    await h.shot('27-invoices');
  });

  it('edits a card product and disables it after saying what that means', async () => {
    const { page } = h;
    const made = await h.api<{ id: number }>('POST', '/card-products', { title: '临时卡', type: 10 });
    await nav(page, '卡产品');
    await page.getByTestId(`cp-edit-${made.id}`).click();
    const m = modal('编辑');
    await m.getByLabel('名称').fill('临时卡（旧）');
    await pick(page, 'cp-status', '停用');
    await m.locator('.ant-btn-primary').click();
    await confirmDialog(page, /停用后不能再开「临时卡」的新卡/);
    await m.waitFor({ state: 'hidden' });
    const p = await h.api<{ title: string; status: number }>('GET', `/card-products/${made.id}`);
    expect(p).toMatchObject({ title: '临时卡（旧）', status: 2 });
    await drawer().locator('.ant-drawer-close').click();
    await expect.poll(() => page.locator('.ant-table').first().innerText()).toContain('临时卡（旧）');
  });
});

describe('shop and organisation', () => {
  it('creates goods with SKUs and takes it off sale', async () => {
    const { page } = h;
    await h.api('POST', '/categories', { name: '饮品' });
    await nav(page, '商品');
    await page.getByRole('heading', { name: '商品', exact: true }).waitFor();
    await page.getByTestId('goods-new').click();
    const m = modal('新建商品');
    await m.getByLabel('名称').fill('拿铁咖啡');
    await m.getByTestId('goods-add-sku').click();
    await m.getByTestId('goods-add-sku').click();
    const skus = [
      ['1:1', '中杯', '18', '50'],
      ['1:2', '大杯', '22', '30'],
    ];
    for (const [i, [key, name, price, stock]] of skus.entries()) {
      await m.getByPlaceholder('规格编码 1:2').nth(i).fill(key!);
      await m.getByPlaceholder('规格名称').nth(i).fill(name!);
      await m.getByPlaceholder('价格').nth(i).fill(price!);
      await m.getByPlaceholder('库存').nth(i).fill(stock!);
    }
    await h.shot('28-goods-form');
    await m.locator('.ant-modal-footer .ant-btn-primary').click();
    await m.waitFor({ state: 'hidden' });
    const row = page.locator('tr', { hasText: '拿铁咖啡' });
    // Price: the lowest SKU's; stock: the sum.
    await expect.poll(() => row.innerText()).toContain('¥18.00');
    expect(await row.innerText()).toMatch(/\b80\b/);
    expect(await row.innerText()).toContain('在售');
    await h.shot('29-goods');
    await row.getByRole('button', { name: /^下\s*架$/ }).click();
    await confirmDialog(page, '下架「拿铁咖啡」');
    await expect.poll(() => row.innerText()).toContain('已下架');
  });

  it('shows orders', async () => {
    const { page } = h;
    await nav(page, '订单');
    await page.getByRole('heading', { name: '订单', exact: true }).waitFor();
    await page.waitForLoadState('networkidle');
    await h.shot('30-orders');
  });

  it('builds the department tree', async () => {
    const { page } = h;
    await nav(page, '部门');
    await page.getByTestId('dept-new').click();
    const m = modal('新建部门');
    await m.getByTestId('dept-name').fill('零售部');
    await m.locator('.ant-btn-primary').click();
    await m.waitFor({ state: 'hidden' });
    const row = page.locator('tr', { hasText: '零售部' });
    await row.getByRole('button', { name: /添加下级/ }).click();
    await m.getByTestId('dept-name').fill('华东区');
    await m.locator('.ant-btn-primary').click();
    await m.waitFor({ state: 'hidden' });
    await expect.poll(() => page.locator('.ant-table').innerText()).toContain('华东区');
    await h.shot('31-departments');
  });

  it('edits a staff member and a store', async () => {
    const { page } = h;
    await h.api('POST', '/staff', { username: 'clerk2', password: 'clerk-pass-12', role: 'seller', name: '小周' });
    await nav(page, '员工');
    await page.getByTestId('staff-edit-clerk2').click();
    const m = modal('编辑员工');
    await pick(page, 'staff-edit-role', '运营');
    await m.getByRole('switch').click();
    await h.shot('32-staff-edit');
    await m.locator('.ant-modal-footer .ant-btn-primary').click();
    await confirmDialog(page, /角色将从「店员」改为「运营」。\s*账号将被停用/);
    const row = page.locator('tr', { hasText: 'clerk2' });
    await expect.poll(() => row.innerText()).toContain('已停用');
    expect(await row.innerText()).toContain('运营');

    await nav(page, '门店');
    await page
      .locator('tr', { hasText: '静安店' })
      .getByRole('button', { name: /编\s*辑/ })
      .click();
    const s = modal('编辑门店');
    await s.getByLabel('地址').fill('南京西路 1 号');
    await s.locator('.ant-modal-footer .ant-btn-primary').click();
    await expect.poll(() => page.locator('tr', { hasText: '静安店' }).innerText()).toContain('南京西路 1 号');
    const audit = await h.api<{ items: { action: string }[] }>('GET', '/audit-log?action=st');
    expect(audit.items.map((a) => a.action)).toEqual(expect.arrayContaining(['staff.update', 'store.update']));
  });

  it('a cashier runs cards (no ledger, refunds or invoices) and sees no shop or departments', async () => {
    await h.api('POST', '/staff', { username: 'cashier9', password: 'cashier-pass-9', role: 'seller' });
    const context = await h.browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN' });
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    try {
      await page.goto(`${h.url}/admin/`);
      await page.getByPlaceholder('用户名').fill('cashier9');
      await page.getByPlaceholder('密码').fill('cashier-pass-9');
      await page.getByTestId('login-submit').click();
      await page.getByRole('heading', { name: '门店核销' }).waitFor();
      const menu = await page.getByTestId('menu').innerText();
      expect(menu).toContain('会员卡');
      // The server's card permission table gives cashiers no invoices, records or refunds.
      for (const hidden of ['卡产品', '开票', '商品', '订单', '部门']) expect(menu).not.toContain(hidden);
      await nav(page, '会员卡');
      await page.getByTestId('card-search-phone').fill(PHONE);
      await page.getByTestId('card-search').click();
      await page.getByTestId('card-table').locator('tr', { hasText: PHONE }).click();
      await expect.poll(() => page.getByTestId('card-balances').innerText()).toContain('¥120.00');
      await page.getByTestId('card-recharge').waitFor();
      expect(await page.getByTestId('card-ledger').count()).toBe(0);
      expect(await page.getByRole('tab', { name: '收支流水' }).count()).toBe(0);
    } finally {
      await context.close();
    }
  });
});
