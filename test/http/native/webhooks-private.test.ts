// Webhook endpoints with WEBHOOKS_ALLOW_PRIVATE off (production's default): an
// endpoint may not point at loopback, private or link-local addresses (its own
// file: a runtime with that setting cannot share the PGlite session of another).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestRuntime, type TestRuntime } from '../../helpers/runtime.ts';
import { makeTenant } from '../../helpers/fixtures.ts';

let strict: TestRuntime;
beforeAll(async () => {
  strict = await openTestRuntime({ webhooksAllowPrivate: false });
}, 60_000);
afterAll(async () => strict?.close());

describe('webhook endpoints in production', () => {
  it('refuses loopback and private addresses unless WEBHOOKS_ALLOW_PRIVATE', async () => {
    const s = await makeTenant(strict.services, strict.app);
    for (const url of [
      'http://127.0.0.1:9/x',
      'http://localhost/x',
      'http://10.1.2.3/x',
      'http://192.168.0.5/',
      'http://[::1]/x',
      'http://169.254.169.254/',
    ]) {
      const r = await strict.app.inject({ method: 'POST', url: '/api/v1/webhooks/endpoints', headers: s.auth, payload: { url } });
      expect(r.statusCode, url).toBe(400);
      expect(r.json()).toMatchObject({
        code: 'invalid_input',
        field: 'url',
        detail: 'url must not point at a loopback or private address',
      });
    }
    const ok = await strict.app.inject({
      method: 'POST',
      url: '/api/v1/webhooks/endpoints',
      headers: s.auth,
      payload: { url: 'https://hooks.example.com/quan' },
    });
    expect(ok.statusCode).toBe(201);
  });
});
