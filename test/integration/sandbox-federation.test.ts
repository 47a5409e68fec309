/**
 * The console sign-in stand-in: GetSigninToken with live STS credentials, Login -> 302 to the
 * local /console page, single use, 30 s lifetime, and the error answers.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callSts, startSandbox, type CallerKey, type SandboxHandle } from '../../main/sandbox/index';

const userSecret = randomBytes(18).toString('base64url');
let clock = Date.UTC(2033, 6, 7, 8, 0, 0);
let sb: SandboxHandle;

beforeAll(async () => {
  sb = await startSandbox({ userSecret, now: () => clock });
});
afterAll(async () => {
  await sb.close();
});

async function roleSession(roleName = 'fc-admin', sessionName = 'console-user'): Promise<Required<CallerKey>> {
  const r = await callSts({
    url: sb.url,
    action: 'AssumeRole',
    params: { RoleArn: sb.world.roleArn(roleName), RoleSessionName: sessionName },
    credentials: { accessKeyId: sb.world.testUser.accessKeyId, accessKeySecret: userSecret },
  });
  const c = r.json?.['Credentials'] as Record<string, string>;
  return { accessKeyId: c['AccessKeyId'] ?? '', accessKeySecret: c['AccessKeySecret'] ?? '', securityToken: c['SecurityToken'] ?? '' };
}

async function federation(params: Record<string, string>, method: 'GET' | 'POST' = 'GET'): Promise<{ status: number; body: Record<string, unknown>; location: string | null; contentType: string | null }> {
  const qs = new URLSearchParams(params).toString();
  const res =
    method === 'GET'
      ? await fetch(`${sb.url}/federation?${qs}`, { redirect: 'manual' })
      : await fetch(`${sb.url}/federation`, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: qs });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {}, location: res.headers.get('location'), contentType: res.headers.get('content-type') };
}

const getToken = (c: Required<CallerKey>, method: 'GET' | 'POST' = 'GET') =>
  federation({ Action: 'GetSigninToken', AccessKeyId: c.accessKeyId, AccessKeySecret: c.accessKeySecret, SecurityToken: c.securityToken, TicketType: 'mini' }, method);

const login = (token: string, destination = 'https://fc.console.aliyun.com/overview') =>
  federation({ Action: 'Login', SigninToken: token, Destination: destination, LoginUrl: 'https://roletray.invalid/expired' });

describe('GetSigninToken + Login', () => {
  it('signs in once and shows the role on the local console page', async () => {
    const c = await roleSession('fc-admin', 'console-user');
    const t = await getToken(c);
    expect(t.status).toBe(200);
    expect(t.contentType).toBe('application/json;charset=utf-8');
    expect(Object.keys(t.body).sort()).toEqual(['RequestId', 'SigninToken']);
    const token = String(t.body['SigninToken']);
    expect(token.length).toBeGreaterThanOrEqual(32);

    const l = await login(token);
    expect(l.status).toBe(302);
    const location = new URL(l.location ?? '');
    expect(location.origin).toBe(sb.url);
    expect(location.pathname).toBe('/console');

    const page = await fetch(location);
    const html = await page.text();
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(html).toContain('data-role-arn="acs:ram::1234567890123456:role/fc-admin"');
    expect(html).toContain('Signed in as role <b>fc-admin</b> in account <b>acme-prod</b>');
    expect(html).toContain('acs:ram::1234567890123456:assumed-role/fc-admin/console-user');
    expect(html).toContain('https://fc.console.aliyun.com/overview');
    expect(html).toContain('2033-07-07T09:00:00Z');
    expect(html).not.toContain(c.securityToken);
    expect(html).not.toContain(c.accessKeySecret);

    // Single use.
    const again = await login(token);
    expect(again.status).toBe(400);
    expect(again.body).toMatchObject({ Code: 'InvalidSigninToken.Used' });
  });

  it('works with POSTed forms too', async () => {
    const c = await roleSession('readonly');
    const t = await getToken(c, 'POST');
    expect(t.status).toBe(200);
    const l = await federation({ Action: 'Login', SigninToken: String(t.body['SigninToken']), Destination: 'https://home.console.alibabacloud.com/', LoginUrl: 'https://x.invalid/' }, 'POST');
    expect(l.status).toBe(302);
    const html = await (await fetch(l.location ?? '')).text();
    expect(html).toContain('data-role-arn="acs:ram::1234567890123456:role/readonly"');
  });

  it('a SigninToken expires after 30 s on the sandbox clock', async () => {
    const c = await roleSession();
    const token = String((await getToken(c)).body['SigninToken']);
    const saved = clock;
    clock += 31_000;
    try {
      const l = await login(token);
      expect(l.status).toBe(400);
      expect(l.body).toMatchObject({ Code: 'InvalidSigninToken.Expired' });
    } finally {
      clock = saved;
    }
    const fresh = String((await getToken(c)).body['SigninToken']);
    clock += 29_000;
    try {
      expect((await login(fresh)).status).toBe(302);
    } finally {
      clock = saved;
    }
  });

  it('unknown token, bad destination, missing parameters', async () => {
    expect((await login('no-such-token')).body).toMatchObject({ Code: 'InvalidSigninToken.NotFound' });
    const c = await roleSession();
    const token = String((await getToken(c)).body['SigninToken']);
    for (const bad of ['https://evil.example.com/', 'http://home.console.aliyun.com/', 'https://console.aliyun.com.evil.example/', 'not a url']) {
      const l = await login(token, bad);
      expect(l.status, bad).toBe(400);
      expect(l.body['Code']).toBe('InvalidParameter.Destination');
    }
    // A refused Login does not use the token up.
    expect((await login(token)).status).toBe(302);
    const missing = await federation({ Action: 'Login', SigninToken: 'x', Destination: 'https://home.console.aliyun.com/' });
    expect(missing.body).toMatchObject({ Code: 'MissingParameter' });
    expect(String(missing.body['Message'])).toContain('"LoginUrl"');
    expect((await federation({ Action: 'Nope' })).body['Code']).toBe('InvalidAction.NotFound');
  });

  it('console page without a valid session', async () => {
    const res = await fetch(`${sb.url}/console?session=nope`);
    expect(res.status).toBe(404);
    expect(await res.text()).toContain('Not signed in');
  });
});

describe('GetSigninToken refusals', () => {
  it('needs live, matching STS credentials and TicketType=mini', async () => {
    const c = await roleSession();
    const other = await roleSession();
    const cases: Array<[Record<string, string>, number, string]> = [
      [{ TicketType: 'normal' }, 400, 'InvalidParameter.TicketType'],
      [{ AccessKeySecret: 'wrong' }, 400, 'InvalidAccessKeySecret'],
      [{ SecurityToken: 'CAISbogus' }, 400, 'InvalidSecurityToken.Malformed'],
      [{ SecurityToken: other.securityToken }, 400, 'InvalidSecurityToken.MismatchWithAccessKey'],
      [{ AccessKeyId: 'STS.Nunknown' }, 404, 'InvalidAccessKeyId.NotFound'],
      [{ AccessKeyId: sb.world.testUser.accessKeyId, AccessKeySecret: userSecret }, 400, 'InvalidParameter.AccessKeyId'],
    ];
    for (const [override, status, code] of cases) {
      const r = await federation({ Action: 'GetSigninToken', AccessKeyId: c.accessKeyId, AccessKeySecret: c.accessKeySecret, SecurityToken: c.securityToken, TicketType: 'mini', ...override });
      expect({ status: r.status, code: r.body['Code'] }, JSON.stringify(override)).toEqual({ status, code });
      expect(JSON.stringify(r.body)).not.toContain(userSecret);
    }
    const missing = await federation({ Action: 'GetSigninToken', AccessKeyId: c.accessKeyId, TicketType: 'mini' });
    expect(missing.body).toMatchObject({ Code: 'MissingParameter' });
  });

  it('expired STS credentials cannot get a SigninToken', async () => {
    const c = await roleSession();
    const saved = clock;
    clock += 3601_000;
    try {
      const r = await getToken(c);
      expect(r.status).toBe(400);
      expect(r.body['Code']).toBe('InvalidSecurityToken.Expired');
    } finally {
      clock = saved;
    }
  });

  it('stats count the sign-in calls without recording secrets', () => {
    expect(sb.stats.calls['GetSigninToken']).toBeGreaterThan(5);
    expect(sb.stats.calls['Login']).toBeGreaterThan(5);
    expect(sb.stats.byCode['InvalidSigninToken.Used']).toBe(1);
    expect(JSON.stringify(sb.stats)).not.toContain(userSecret);
  });
});
