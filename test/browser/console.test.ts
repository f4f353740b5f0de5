// The web console in a real browser against a real server (PGlite): log in,
// create and activate a template, generate codes to 100 %, write off a coupon
// and see it in today's list, be refused a second write-off with a clear
// message, switch language. Screenshots of the main pages go to
// test-results/screenshots/.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import { confirmDialog, DEMO, nav as navTo, openHarness, pick, type Harness } from './harness.ts';

let h: Harness;
const TEMPLATE = '满100减10 新客券';
let mobile: string;
let code = '';

beforeAll(async () => {
  h = await openHarness();
  // Data the flows below need but are not about: a store and a member.
  await h.api('POST', '/stores', { name: '徐汇旗舰店', area: '上海', address: '漕溪北路 1 号' });
  mobile = '13800138000';
  await h.api('POST', '/users', { mobile, nick: '小王' });
  const now = Date.now();
  await h.api('POST', '/promo-codes', {
    code: 'WELCOME20',
    name: '新人立减 20',
    rule: { type: 'amount_off', condition: { amountAtLeast: '200.00' }, action: { amountOff: '20.00' } },
    limitTimes: 1000,
    userUseLimit: 1,
    validFrom: new Date(now - 3_600_000).toISOString(),
    validTo: new Date(now + 30 * 86_400_000).toISOString(),
  });
});

// A failing step leaves a picture of what the browser showed.
afterEach(async (ctx) => {
  if (ctx.task.result?.state === 'fail') await h?.shot(`failed-${ctx.task.name.replace(/\W+/g, '-')}`).catch(() => undefined);
});

afterAll(async () => {
  await h?.close();
});

describe('web console', () => {
  it('serves the console at /admin and routes deep links to the app', async () => {
    const r = await fetch(`${h.url}/admin/templates`);
    expect(r.status).toBe(200);
    expect(await r.text()).toContain('<div id="root">');
  });

  it('refuses a wrong password with a clear message, then logs in', async () => {
    const { page } = h;
    await page.goto(`${h.url}/admin/`);
    await page.getByPlaceholder('用户名').fill(DEMO.username);
    await page.getByPlaceholder('密码').fill('wrong-password');
    await page.getByTestId('login-submit').click();
    await expect.poll(() => page.getByTestId('login-error').innerText()).toContain('用户名或密码错误');
    await h.shot('01-login');
    await page.getByPlaceholder('密码').fill(DEMO.password);
    await page.getByTestId('login-submit').click();
    await page.getByRole('heading', { name: '数据概览' }).waitFor();
    // The owner sees every page of the menu.
    const menu = await page.getByTestId('menu').innerText();
    for (const item of ['数据概览', '券模板', '券码批次', '优惠券', '门店核销', '优惠码', '会员', '门店', '员工', '操作日志', '设置'])
      expect(menu).toContain(item);
  });

  it('creates a template with a live preview and checked fields, then activates it', async () => {
    const { page } = h;
    await nav('券模板');
    await page.getByTestId('tpl-new').click();
    const drawer = page.locator('.ant-drawer', { has: page.getByTestId('tpl-save') });
    await drawer.getByLabel('名称').fill(TEMPLATE);
    await drawer.getByLabel('减免金额').fill('10');
    // A threshold below the amount off is refused before anything is sent.
    await drawer.getByLabel('使用门槛').fill('5');
    await drawer.getByLabel('名称').click();
    await expect.poll(() => drawer.innerText()).toContain('使用门槛须大于减免金额');
    await drawer.getByLabel('使用门槛').fill('100');
    await drawer.getByLabel('库存').fill('5000');
    await drawer.getByLabel('名称').click();
    await expect.poll(() => drawer.innerText()).not.toContain('使用门槛须大于减免金额');
    // The preview shows the coupon as the customer will see it.
    const card = drawer.getByTestId('coupon-card');
    await expect.poll(() => card.innerText()).toContain(TEMPLATE);
    expect(await card.innerText()).toMatch(/满¥100\.00可用/);
    await h.shot('03-template-form');
    await drawer.getByTestId('tpl-save').click();
    await page.getByTestId('tpl-save').waitFor({ state: 'hidden' });

    const row = page.locator('tr', { hasText: TEMPLATE });
    await expect.poll(() => row.innerText()).toContain('草稿');
    await row.getByRole('button', { name: '提交审核' }).click();
    // The demo tenant needs no approval: the confirmation says it goes live at once.
    await confirmDialog(page, '提交后立即上线');
    await expect.poll(() => row.innerText()).toContain('进行中');
  });

  it('generates a code batch and shows the progress reaching 100 %', async () => {
    const { page } = h;
    await nav('券码批次');
    await pick(page, 'batch-template', TEMPLATE);
    await page.getByLabel('数量').fill('300');
    await page.getByTestId('batch-generate').click();
    await confirmDialog(page, '生成 300 个券码');
    const progress = page.getByTestId('batch-progress');
    await expect.poll(() => progress.innerText(), { timeout: 60_000 }).toContain('300 / 300');
    await expect.poll(() => progress.getByRole('progressbar').getAttribute('aria-valuenow')).toBe('100');
    await expect.poll(() => progress.innerText()).toContain('已完成');
    await h.shot('04-batches');
    // The codes download as CSV, with the session's token.
    const [download] = await Promise.all([page.waitForEvent('download'), progress.getByRole('button', { name: /下载 CSV/ }).click()]);
    expect(download.suggestedFilename()).toMatch(/^batch-\d+\.csv$/);
    const csv = fs
      .readFileSync((await download.path())!, 'utf8')
      .trim()
      .split(/\r?\n/);
    const codes = csv.filter((l) => /^[A-Z0-9]{10}\b/.test(l));
    expect(codes).toHaveLength(300);
    expect(new Set(codes).size).toBe(300);
  });

  it('grants a coupon to a member, shows what it is worth, writes it off once and lists it today', async () => {
    const { page } = h;
    await nav('优惠券');
    await page.getByTestId('cp-grant').click();
    const modal = page.locator('.ant-modal:visible', { hasText: '发券给用户' });
    await modal.locator('.ant-select').click();
    await page.locator('.ant-select-dropdown:visible .ant-select-item-option', { hasText: TEMPLATE }).click();
    await modal.getByLabel('用户').fill(mobile);
    await modal.locator('.ant-btn-primary').click();
    await confirmDialog(page, `将向用户 ${mobile} 发放 1 张「${TEMPLATE}」`);
    // The new coupon opens with its history.
    const drawer = page.locator('.ant-drawer:visible', { hasText: '券详情' });
    await drawer.waitFor();
    code = (await drawer.locator('.ant-descriptions .mono').first().innerText()).trim();
    expect(code).toMatch(/^[A-Z0-9]{6,}$/);
    expect(await drawer.innerText()).toContain('发放');
    await h.shot('05-coupon-detail');
    await drawer.locator('.ant-drawer-close').click();
    await h.shot('06-coupons');

    await nav('门店核销');
    await expect.poll(() => page.getByTestId('wo-store').innerText()).not.toBe('');
    await pick(page, 'wo-store', '徐汇旗舰店');
    await page.getByTestId('wo-code').fill(code);
    await page.getByTestId('wo-lookup').click();
    await expect.poll(() => page.getByTestId('wo-worth').innerText()).toContain('¥10.00');
    expect(await page.getByTestId('wo-detail').innerText()).toContain('满¥100.00可用');
    await h.shot('07-write-off-lookup');
    await page.getByTestId('wo-confirm').click();
    await confirmDialog(page, `将在「徐汇旗舰店」核销券 ${code}`);
    await expect.poll(() => page.getByTestId('wo-success').innerText()).toContain(`核销成功：${code}`);
    await expect.poll(() => page.getByTestId('wo-today').innerText()).toContain(code);
    await h.shot('08-write-off-done');
  });

  it('refuses to write off the same coupon again with a clear message', async () => {
    const { page } = h;
    await page.getByTestId('wo-code').fill(code);
    await page.getByTestId('wo-lookup').click();
    await expect.poll(() => page.getByTestId('wo-error').innerText()).toContain('该券已被使用，不能重复核销');
    expect(await page.getByTestId('wo-confirm').count()).toBe(0);

    // Another till wrote it off between the look-up and the confirmation: the server refuses, the cashier is told why.
    const [second] = (
      await h.api<{ items: { code: string }[] }>('POST', '/coupons/grant', { templateId: await templateId(), mobile, quantity: 1 })
    ).items;
    await page.getByTestId('wo-code').fill(second!.code);
    await page.getByTestId('wo-lookup').click();
    await page.getByTestId('wo-confirm').waitFor();
    const stores = await h.api<{ items: { id: number; name: string }[] }>('GET', '/stores');
    await h.api('POST', `/coupons/${second!.code}/write-off`, { storeId: stores.items.find((x) => x.name === '徐汇旗舰店')!.id });
    await page.getByTestId('wo-confirm').click();
    await confirmDialog(page, second!.code);
    await expect.poll(() => page.getByTestId('wo-error').innerText()).toContain('该券已被使用，不能重复核销');
    await h.shot('09-write-off-refused');
    // Today's list still shows each write-off once.
    await page.reload();
    await expect.poll(() => page.getByTestId('wo-today').innerText()).toContain(second!.code);
    expect((await page.getByTestId('wo-today').innerText()).split(code).length - 1).toBe(1);
  });

  it('shows the other pages', async () => {
    const { page } = h;
    for (const [menu, heading, name] of [
      ['数据概览', '数据概览', '10-dashboard'],
      ['会员', '会员', '12-members'],
      ['门店', '门店', '13-stores'],
      ['员工', '员工', '14-staff'],
      ['操作日志', '操作日志', '15-audit-log'],
      ['设置', '商户设置', '16-settings'],
    ] as const) {
      await nav(menu);
      await page.getByRole('heading', { name: heading, exact: true }).waitFor();
      await page.waitForLoadState('networkidle');
      await h.shot(name);
    }
    // The promo code waits in the approval queue; approving it says what will happen.
    await nav('优惠码');
    await page.getByRole('tab', { name: /待审核/ }).click();
    const row = page.locator('tr:visible', { hasText: 'WELCOME20' });
    await row.getByRole('button', { name: /^通\s*过$/ }).click();
    await confirmDialog(page, '通过后顾客即可在有效期内使用');
    await expect.poll(() => page.locator('tr:visible', { hasText: 'WELCOME20' }).count()).toBe(0);
    await page.getByRole('tab', { name: '全部' }).click();
    await expect.poll(() => page.locator('tr:visible', { hasText: 'WELCOME20' }).innerText()).toContain('已通过');
    await h.shot('11-promo-codes');
    // The dashboard counts today's claims and write-offs in the tenant's day.
    await nav('数据概览');
    await expect.poll(() => page.locator('.kpi').first().innerText()).toMatch(/领取量\s*2/);
    await expect.poll(() => page.locator('.kpi').nth(1).innerText()).toMatch(/核销量\s*2/);
    // A template's stats: issued (granted + batch codes) and redeemed.
    await nav('券模板');
    await page.locator('tr', { hasText: TEMPLATE }).getByRole('button', { name: /数据/ }).click();
    const stats = page.locator('.ant-modal:visible', { hasText: '数据' });
    await expect.poll(() => stats.innerText()).toMatch(/已发放\s*302/);
    expect(await stats.innerText()).toMatch(/已核销\s*2/);
    await h.shot('05b-template-stats');
    await stats.locator('.ant-modal-close').click();
    // The audit log lists the template's creation.
    await nav('操作日志');
    await expect.poll(() => page.locator('.ant-table').innerText()).toContain('template');
  });

  it('with approval required, a template is submitted, approved and goes live', async () => {
    const { page } = h;
    await nav('设置');
    await page.getByRole('switch').click();
    await page.getByRole('button', { name: /^保\s*存$/ }).click();
    await confirmDialog(page, '时区变更');
    await expect.poll(async () => (await h.api<{ approvalRequired: boolean }>('GET', '/settings')).approvalRequired).toBe(true);
    await h.api('POST', '/coupon-templates', {
      name: '会员日 8.8折',
      discount: { type: 'rate', rate: '0.88', maxOff: '50.00' },
      validity: { type: 'relative', days: 7 },
    });
    await nav('券模板');
    const row = page.locator('tr', { hasText: '会员日' });
    await expect.poll(() => row.innerText()).toContain('8.8折');
    expect(await row.innerText()).toContain('最多减¥50.00');
    await row.getByRole('button', { name: '提交审核' }).click();
    await confirmDialog(page, '审核通过后即开始发放');
    await expect.poll(() => row.innerText()).toContain('待审核');
    await row.getByRole('button', { name: /^通\s*过$/ }).click();
    await confirmDialog(page, '通过后券立即上线');
    await expect.poll(() => row.innerText()).toContain('进行中');
    await h.shot('02-templates');
  });

  it('switches to English and back', async () => {
    const { page } = h;
    await nav('门店核销');
    await page.getByTestId('lang-switch').click();
    await page.getByRole('heading', { name: 'Write-off' }).waitFor();
    const menu = await page.getByTestId('menu').innerText();
    expect(menu).toContain('Coupon templates');
    expect(menu).not.toContain('券模板');
    expect(await page.getByTestId('wo-today').innerText()).toContain('Discount');
    await h.shot('17-write-off-english');
    await nav('Dashboard');
    await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
    await h.shot('18-dashboard-english');
    // The choice survives a reload.
    await page.reload();
    await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
    await page.getByTestId('lang-switch').click();
    await page.getByRole('heading', { name: '数据概览' }).waitFor();
  });
});

describe('a cashier', () => {
  it('sees only the write-off page, for the stores they work in', async () => {
    const stores = await h.api<{ items: { id: number; name: string }[] }>('GET', '/stores');
    const mine = stores.items.find((x) => x.name === '徐汇旗舰店')!;
    await h.api('POST', '/staff', {
      username: 'cashier1',
      password: 'cashier-pass-1',
      role: 'seller',
      storeIds: [mine.id],
      name: '收银员小李',
    });
    const context = await h.browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN' });
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    try {
      await page.goto(`${h.url}/admin/templates`);
      await page.getByPlaceholder('用户名').fill('cashier1');
      await page.getByPlaceholder('密码').fill('cashier-pass-1');
      await page.getByTestId('login-submit').click();
      // A deep link to a page the role may not use lands on the page it may.
      await page.getByRole('heading', { name: '门店核销' }).waitFor();
      const menu = await page.getByTestId('menu').innerText();
      expect(menu).toContain('门店核销');
      for (const hidden of ['券模板', '数据概览', '设置', '操作日志', '员工']) expect(menu).not.toContain(hidden);
      await expect.poll(() => page.getByTestId('wo-store').innerText()).toContain('徐汇旗舰店');
      await page.getByTestId('wo-store').click();
      await expect.poll(() => page.locator('.ant-select-dropdown:visible .ant-select-item-option').allInnerTexts()).toEqual(['徐汇旗舰店']);
      await page.keyboard.press('Escape');
      await page.locator('.ant-select-dropdown:visible').waitFor({ state: 'hidden' });
      await expect.poll(() => page.getByTestId('wo-today').innerText()).toContain(code);
      await page.screenshot({ path: 'test-results/screenshots/19-cashier.png', fullPage: true });
    } finally {
      await context.close();
    }
  });
});

async function nav(item: string) {
  await navTo(h.page, item);
}

async function templateId(): Promise<number> {
  const r = await h.api<{ items: { id: number; name: string }[] }>('GET', `/coupon-templates?name=${encodeURIComponent(TEMPLATE)}`);
  return r.items[0]!.id;
}
