// The Webhooks page in a real browser against a real server (PGlite) and a
// real local receiver: create an endpoint and see its secret once, send a test
// event, disable the endpoint, and read the delivery log with its response
// codes; a failed delivery is redelivered once the receiver recovers.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEMO, nav as navTo, openHarness, type Harness } from './harness.ts';
import { startReceiver, type Receiver } from '../helpers/webhook-receiver.ts';

let h: Harness;
let rx: Receiver;

beforeAll(async () => {
  rx = await startReceiver();
  h = await openHarness();
});
afterEach(async (ctx) => {
  if (ctx.task.result?.state === 'fail') await h?.shot(`failed-${ctx.task.name.replace(/\W+/g, '-')}`).catch(() => undefined);
});
afterAll(async () => {
  await h?.close();
  await rx?.close();
});

describe('webhooks page', () => {
  it('creates an endpoint (secret shown once), sends a test, and shows the delivery log with redelivery', async () => {
    const { page } = h;
    await page.goto(`${h.url}/admin/`);
    await page.getByPlaceholder('用户名').fill(DEMO.username);
    await page.getByPlaceholder('密码').fill(DEMO.password);
    await page.getByTestId('login-submit').click();
    await page.getByRole('heading', { name: '数据概览' }).waitFor();
    await navTo(page, 'Webhooks');
    await page.getByTestId('wh-new').click();
    const form = page.locator('.ant-modal:visible');
    await form.getByLabel('推送地址').fill(rx.url);
    await form.getByLabel('备注').fill('ERP');
    await form.locator('.ant-btn-primary').click();
    const secret = (await page.getByTestId('wh-secret').innerText()).trim();
    expect(secret).toMatch(/^whsec_/);
    await h.shot('30-webhook-secret');
    await page.getByRole('button', { name: '我已保存' }).click();
    const row = page.locator('.ant-table-row', { hasText: rx.url });
    await row.waitFor();
    // Never shown again: once the dialog is gone, the page has the prefix only.
    await expect.poll(() => page.locator('body').innerText()).not.toContain(secret);
    expect(await page.content()).not.toContain(secret);
    rx.respond = () => ({ status: 500, body: 'busy' });
    await row.getByRole('button', { name: '发送测试' }).click();
    await page.locator('.ant-message', { hasText: '投递失败' }).waitFor();
    await row.getByRole('button', { name: '投递记录' }).click();
    const delivery = page.locator('.ant-table-row', { hasText: 'webhook.test' }).first();
    await delivery.waitFor();
    expect(await delivery.innerText()).toContain('500');
    rx.respond = () => ({ status: 200 });
    await delivery.getByRole('button', { name: '重新投递' }).click();
    await page.locator('.ant-message', { hasText: '已重新送达' }).waitFor();
    await expect.poll(() => delivery.innerText()).toContain('已送达');
    // The attempts: the 500, then the 200.
    await delivery.locator('.ant-table-row-expand-icon').click();
    const attempts = page.locator('.ant-table-expanded-row');
    await expect.poll(() => attempts.innerText()).toMatch(/500[\s\S]*200/);
    await h.shot('31-webhook-deliveries');
    expect(rx.received).toHaveLength(2);
    expect(new Set(rx.received.map((r) => r.headers['quan-event-id'])).size).toBe(1);
  });
});
