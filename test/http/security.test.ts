// What a browser and a stranger see of quan, against the built app: security
// headers on every answer, CORS only for configured origins (globally or per
// tenant for its apifm API), /metrics closed to anyone but loopback or the
// token holder, and X-Forwarded-For believed only from configured proxies.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.ts';
import { LOGIN_LIMITS } from '../../src/contexts/identity/index.ts';
import { makeTenant, type TenantFixture } from '../helpers/fixtures.ts';
import { openTestRuntime, type TestRuntime } from '../helpers/runtime.ts';

const STRANGER = '203.0.113.7';

describe('security headers', () => {
  let rt: TestRuntime;
  let hsts: TestRuntime;
  beforeAll(async () => {
    rt = await openTestRuntime();
    hsts = await openTestRuntime({ hsts: true });
  });
  afterAll(async () => {
    await rt?.close();
    await hsts?.close();
  });

  it.each(['/admin/', '/api/v1/session', '/api/v1/nope', '/health/live', '/docs'])(
    '%s carries the CSP and the browser guards',
    async (url) => {
      const r = await rt.app.inject(url);
      const csp = String(r.headers['content-security-policy']);
      expect(csp).toContain("default-src 'self'");
      expect(csp).toContain("script-src 'self'");
      expect(csp).not.toMatch(/script-src[^;]*unsafe/);
      expect(csp).toContain("style-src 'self' 'unsafe-inline'"); // Ant Design's CSS-in-JS
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toContain("object-src 'none'");
      expect(csp).not.toContain('upgrade-insecure-requests');
      expect(r.headers['x-frame-options']).toBe('DENY');
      expect(r.headers['x-content-type-options']).toBe('nosniff');
      expect(r.headers['referrer-policy']).toBe('strict-origin-when-cross-origin');
      expect(r.headers['strict-transport-security']).toBeUndefined();
    },
  );

  it('sends HSTS (and upgrades insecure requests) only when HSTS=true', async () => {
    const r = await hsts.app.inject('/health/live');
    expect(r.headers['strict-transport-security']).toBe('max-age=31536000; includeSubDomains');
    expect(String(r.headers['content-security-policy'])).toContain('upgrade-insecure-requests');
  });
});

describe('CORS', () => {
  let rt: TestRuntime;
  let a: TenantFixture;
  let b: TenantFixture;
  const H5 = 'https://h5.shop-a.example';
  const CONSOLE = 'https://ops.example';
  beforeAll(async () => {
    rt = await openTestRuntime({ corsOrigins: [CONSOLE] });
    a = await makeTenant(rt.services, rt.app);
    b = await makeTenant(rt.services, rt.app);
  });
  afterAll(async () => rt?.close());

  const preflight = (url: string, origin: string) =>
    rt.app.inject({
      method: 'OPTIONS',
      url,
      headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,token' },
    });

  it('allows no origin by default: no CORS headers, the preflight is refused', async () => {
    const pre = await preflight(`/${a.slug}/banner/list`, H5);
    expect(pre.statusCode).toBe(404);
    expect(pre.headers['access-control-allow-origin']).toBeUndefined();
    const get = await rt.app.inject({ method: 'POST', url: `/${a.slug}/banner/list`, headers: { origin: H5 } });
    expect(get.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('a tenant lists its H5 origins in its settings: they may call its apifm API, and nothing else', async () => {
    const bad = await rt.app.inject({ method: 'PATCH', url: '/api/v1/settings', headers: a.auth, payload: { corsOrigins: ['h5.shop'] } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().field).toBe('corsOrigins');
    const set = await rt.app.inject({ method: 'PATCH', url: '/api/v1/settings', headers: a.auth, payload: { corsOrigins: [H5 + '/'] } });
    expect(set.statusCode).toBe(200);
    expect(set.json().corsOrigins).toEqual([H5]);

    const pre = await preflight(`/${a.slug}/user/m/login`, H5);
    expect(pre.statusCode).toBe(204);
    expect(pre.headers['access-control-allow-origin']).toBe(H5);
    expect(String(pre.headers['access-control-allow-headers'])).toContain('token');
    expect(pre.headers['access-control-allow-credentials']).toBeUndefined();
    const post = await rt.app.inject({ method: 'POST', url: `/${a.slug}/banner/list`, headers: { origin: H5 } });
    expect(post.headers['access-control-allow-origin']).toBe(H5);
    expect(String(post.headers.vary)).toMatch(/origin/i);

    // Another tenant's API, the native API and an unlisted origin get nothing.
    for (const [url, origin] of [
      [`/${b.slug}/banner/list`, H5],
      ['/api/v1/session', H5],
      [`/${a.slug}/banner/list`, 'https://evil.example'],
    ] as const) {
      const r = await preflight(url, origin);
      expect(r.headers['access-control-allow-origin'], `${origin} → ${url}`).toBeUndefined();
    }
  });

  it('an origin in CORS_ORIGINS may call every API', async () => {
    for (const url of ['/api/v1/session', `/${b.slug}/banner/list`]) {
      const r = await preflight(url, CONSOLE);
      expect(r.statusCode).toBe(204);
      expect(r.headers['access-control-allow-origin']).toBe(CONSOLE);
    }
  });
});

describe('/metrics', () => {
  let open: TestRuntime;
  let withToken: TestRuntime;
  const TOKEN = 'metrics-token-0123456789';
  beforeAll(async () => {
    open = await openTestRuntime();
    withToken = await openTestRuntime({ metricsToken: TOKEN });
  });
  afterAll(async () => {
    await open?.close();
    await withToken?.close();
  });

  it('without METRICS_TOKEN answers only a direct loopback caller', async () => {
    expect((await open.app.inject({ url: '/metrics', remoteAddress: '127.0.0.1' })).statusCode).toBe(200);
    expect((await open.app.inject({ url: '/metrics', remoteAddress: '::1' })).statusCode).toBe(200);
    const stranger = await open.app.inject({ url: '/metrics', remoteAddress: STRANGER });
    expect(stranger.statusCode).toBe(404);
    expect(stranger.body).not.toContain('quan_http_request_duration_seconds');
    // A reverse proxy on the same machine forwards strangers from loopback: refused too.
    const proxied = await open.app.inject({ url: '/metrics', remoteAddress: '127.0.0.1', headers: { 'x-forwarded-for': STRANGER } });
    expect(proxied.statusCode).toBe(404);
  });

  it('with METRICS_TOKEN answers the bearer of the token only, from anywhere', async () => {
    const ok = await withToken.app.inject({ url: '/metrics', remoteAddress: STRANGER, headers: { authorization: `Bearer ${TOKEN}` } });
    expect(ok.statusCode).toBe(200);
    expect(ok.body).toContain('quan_http_request_duration_seconds');
    for (const headers of [{}, { authorization: 'Bearer wrong-token-0123456789' }, { authorization: TOKEN }]) {
      const r = await withToken.app.inject({ url: '/metrics', remoteAddress: '127.0.0.1', headers });
      expect(r.statusCode).toBe(401);
      expect(r.headers['www-authenticate']).toMatch(/^Bearer/);
      expect(r.body).not.toContain('quan_http');
    }
  });
});

describe('TRUST_PROXY', () => {
  let off: TestRuntime;
  let trusted: TestRuntime;
  beforeAll(async () => {
    off = await openTestRuntime();
    trusted = await openTestRuntime({ trustProxy: ['127.0.0.1'] });
  });
  afterAll(async () => {
    await off?.close();
    await trusted?.close();
  });

  /** Wrong logins for fresh usernames (so only the per-IP limit can bite), each with a new X-Forwarded-For. */
  const rotate = async (rt: TestRuntime, n: number, remoteAddress: string) => {
    const codes: number[] = [];
    for (let i = 0; i < n; i++) {
      const r = await rt.app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        remoteAddress,
        headers: { 'x-forwarded-for': `198.51.100.${i + 1}` },
        payload: { username: `nobody-${remoteAddress}-${i}`, password: 'wrong-password-1' },
      });
      codes.push(r.statusCode);
    }
    return codes;
  };

  it('off (the default): X-Forwarded-For does not change the address the per-IP login limit counts', async () => {
    expect(loadConfig({}).trustProxy).toBe(false);
    const codes = await rotate(off, LOGIN_LIMITS.perIp + 5, STRANGER);
    expect(codes.filter((c) => c === 401)).toHaveLength(LOGIN_LIMITS.perIp);
    expect(codes.slice(LOGIN_LIMITS.perIp)).toEqual(Array(5).fill(429));
  });

  it('configured: a listed proxy is believed; anyone else still is not', async () => {
    const viaProxy = await rotate(trusted, LOGIN_LIMITS.perIp + 5, '127.0.0.1');
    expect(viaProxy.every((c) => c === 401)).toBe(true);
    const direct = await rotate(trusted, LOGIN_LIMITS.perIp + 5, STRANGER);
    expect(direct.slice(LOGIN_LIMITS.perIp)).toEqual(Array(5).fill(429));
  });

  it.each([
    ['', false],
    ['false', false],
    ['2', 2],
    ['10.0.0.1, 10.1.0.0/16,loopback', ['10.0.0.1', '10.1.0.0/16', 'loopback']],
    ['::1,fd00::/8', ['::1', 'fd00::/8']],
  ])('TRUST_PROXY=%j is read as %j', (raw, want) => {
    expect(loadConfig({ TRUST_PROXY: raw }).trustProxy).toEqual(want);
  });

  it.each(['true', 'everyone', '10.0.0.0/33', '999.1.1.1', '11'])('TRUST_PROXY=%j stops the start with a message naming it', (raw) => {
    expect(() => loadConfig({ TRUST_PROXY: raw })).toThrow(ConfigError);
    expect(() => loadConfig({ TRUST_PROXY: raw })).toThrow(/TRUST_PROXY/);
  });

  it.each([
    ['METRICS_TOKEN', 'short'],
    ['CORS_ORIGINS', 'https://ok.example,ftp://x'],
    ['CORS_ORIGINS', 'https://x.example/path'],
    ['HSTS', 'yes please'],
    ['IDEMPOTENCY_TTL_HOURS', '0'],
  ])('%s=%j stops the start with a message naming it', (name, raw) => {
    expect(() => loadConfig({ [name]: raw })).toThrow(new RegExp(name));
  });
});
