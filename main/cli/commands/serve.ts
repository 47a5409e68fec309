/**
 * `roletray serve`: a loopback credentials-URI server for ALIBABA_CLOUD_CREDENTIALS_URI
 * (STS-REFERENCE 6.4 and 7.3). Binds 127.0.0.1 only; every role lives under a random token
 * (http://127.0.0.1:PORT/<token>/<role>), so another local user or a web page that rebinds DNS
 * cannot guess the URL. Any other path is 404 and any other method 405, with no body.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { RoleTrayError, asRoleTrayError, redact } from '../../core/errors';
import type { CliContext } from '../context';
import { forRole } from '../context';
import { isoSeconds } from '../credential-output';

export async function serve(ctx: CliContext, opts: { port?: number }): Promise<void> {
  const m = ctx.core().manager;
  const cat = await m.catalog();
  const token = randomBytes(32).toString('base64url');
  const tokenBytes = Buffer.from(token);

  const answer = async (req: IncomingMessage, res: ServerResponse, port: number): Promise<void> => {
    if (req.method !== 'GET') return empty(res, 405, { allow: 'GET' });
    const host = (req.headers.host ?? '').toLowerCase();
    if (host !== `127.0.0.1:${port}` && host !== `localhost:${port}`) return empty(res, 404);
    const pathname = (req.url ?? '').split('?')[0] ?? '';
    const parts = pathname.split('/');
    if (parts.length !== 3 || parts[0] !== '') return empty(res, 404);
    const given = Buffer.from(parts[1] ?? '');
    if (given.length !== tokenBytes.length || !timingSafeEqual(given, tokenBytes)) return empty(res, 404);
    let role: string;
    try {
      role = decodeURIComponent(parts[2] ?? '');
    } catch {
      return empty(res, 404);
    }
    const current = await m.catalog();
    if (!current.roles.some((r) => r.name === role)) return empty(res, 404);
    try {
      const creds = await forRole(role, () => m.credentials(role));
      json(res, 200, {
        Code: 'Success',
        AccessKeyId: creds.accessKeyId,
        AccessKeySecret: creds.accessKeySecret,
        SecurityToken: creds.securityToken,
        Expiration: isoSeconds(creds.expiresAt),
      });
    } catch (e) {
      const err = asRoleTrayError(e);
      process.stderr.write(`roletray serve: ${redact(err.oneLine())}\n`);
      json(res, err.retryable ? 503 : 500, { Code: err.stsCode ?? 'Error', Message: redact(err.oneLine()) });
    }
  };

  const server = createServer((req, res) => {
    const port = (server.address() as AddressInfo).port;
    answer(req, res, port).catch((e: unknown) => {
      process.stderr.write(`roletray serve: ${redact(asRoleTrayError(e).oneLine())}\n`);
      if (!res.headersSent) empty(res, 500);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) =>
      reject(new RoleTrayError(e.code === 'EADDRINUSE' ? 'invalid-input' : 'io', `cannot listen on 127.0.0.1:${opts.port ?? 0} (${e.code ?? 'error'})`, { hint: 'pick another --port' })),
    );
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const base = `http://127.0.0.1:${port}/${token}/`;
  const urls = Object.fromEntries(cat.roles.map((r) => [r.name, base + encodeURIComponent(r.name)]));
  if (ctx.json) {
    ctx.out(`${JSON.stringify({ port, baseUrl: base, roles: urls })}\n`);
  } else {
    ctx.out(`roletray serve: credentials on 127.0.0.1:${port} until Ctrl-C (the token in the URLs changes every run)\n`);
    for (const [name, url] of Object.entries(urls)) ctx.out(`  ${name}  ${url}\n`);
    if (cat.roles.length === 0) ctx.out(`  (no roles yet; a role added later is served at ${base}<role>)\n`);
    const first = Object.values(urls)[0];
    if (first) ctx.out(`use one with: export ALIBABA_CLOUD_CREDENTIALS_URI=${first}\n`);
  }
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

function empty(res: ServerResponse, status: number, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-length': '0', 'cache-control': 'no-store', ...headers });
  res.end();
}

function json(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json;charset=utf-8', 'content-length': Buffer.byteLength(text), 'cache-control': 'no-store' });
  res.end(text);
}
