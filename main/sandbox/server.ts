/**
 * The sandbox HTTP server: STS at `/`, the sign-in stand-in at `/federation` and `/console`.
 * Binds 127.0.0.1 only. Applies injected faults, keeps stats, and closes hung requests on close().
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { errorBody, Faults, StsFault } from './errors';
import { FaultInjector, type FaultController } from './faults';
import { handleFederation, renderConsole, type FederationContext } from './federation';
import { SessionStore } from './sessions';
import { StatsRecorder, type CallRecord, type SandboxStats } from './stats';
import { decodeForm, NonceCache, parseStsRequest, processSts, STS_ACTIONS, Throttle, type ParsedStsRequest, type RawStsRequest, type StsContext } from './sts';
import { DEMO_USER_SECRET, DemoWorld } from './world';

export interface SandboxOptions {
  /** Default 0 (ephemeral). The server binds 127.0.0.1 only. */
  port?: number;
  /** Secret of test_user1; default the public DEMO_USER_SECRET. */
  userSecret?: string;
  /** true: AssumeRole with STS credentials is capped at 3600 s. Default false (cap = MaxSessionDuration). */
  chainedCap?: boolean;
  /** Allowed distance of request timestamps from real wall time; default 900 (15 min). */
  timestampWindowSeconds?: number;
  /** Clock for issuing credentials, token expiry and SigninToken lifetime; default Date.now. */
  now?: () => number;
  /** Optional limit of authenticated STS calls per sliding second -> Throttling.User. */
  throttlePerSecond?: number;
}

export interface SandboxHandle {
  /** e.g. http://127.0.0.1:PORT */
  url: string;
  port: number;
  world: DemoWorld;
  faults: FaultController;
  stats: SandboxStats;
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 1024 * 1024;
const JSON_TYPE = 'application/json;charset=utf-8';

/** Start a sandbox STS on 127.0.0.1. */
export async function startSandbox(opts: SandboxOptions = {}): Promise<SandboxHandle> {
  const port = opts.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new Error('port must be an integer 0..65535');
  const windowSeconds = opts.timestampWindowSeconds ?? 900;
  if (!(windowSeconds > 0)) throw new Error('timestampWindowSeconds must be positive');
  if (opts.throttlePerSecond !== undefined && !(opts.throttlePerSecond > 0)) throw new Error('throttlePerSecond must be positive');

  const world = new DemoWorld(opts.userSecret ?? DEMO_USER_SECRET);
  const sessions = new SessionStore();
  const faults = new FaultInjector();
  const stats = new StatsRecorder();
  const now = opts.now ?? Date.now;
  const nonces = new NonceCache(windowSeconds);
  const throttle = opts.throttlePerSecond === undefined ? undefined : new Throttle(opts.throttlePerSecond);
  const waiters = new Set<() => void>();
  let closed = false;
  let baseUrl = '';

  const stsContext = (): StsContext => ({
    world,
    sessions,
    nonces,
    throttle,
    settings: { chainedCap: opts.chainedCap ?? false, timestampWindowSeconds: windowSeconds, now },
    clockSkewSeconds: faults.clockSkewSeconds,
    takeEarlyExpiry: () => false,
  });
  const fedContext = (): FederationContext => ({ world, sessions, now, baseUrl });

  /** Wait for ms (or forever when ms is undefined); ends early when the client leaves or the sandbox closes. */
  const wait = (res: ServerResponse, ms?: number): Promise<void> =>
    new Promise((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      const done = (): void => {
        if (timer) clearTimeout(timer);
        waiters.delete(done);
        res.off('close', done);
        resolve();
      };
      waiters.add(done);
      res.on('close', done);
      if (ms !== undefined) timer = setTimeout(done, ms);
    });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const t0 = performance.now();
    const rec: CallRecord = { at: Date.now(), action: 'unknown', accessKeyId: undefined, code: 'InternalError', status: 500, signature: 'none', ms: 0 };
    stats.begin();
    let answered = false;
    const finish = (): void => {
      if (answered) return;
      answered = true;
      rec.ms = performance.now() - t0;
      stats.end(rec);
    };
    const requestId = randomUUID().toUpperCase();
    const sendJson = (status: number, body: Record<string, unknown>, contentType = JSON_TYPE, text?: string): void => {
      rec.status = status;
      if (res.destroyed || closed) return;
      res.writeHead(status, { 'Content-Type': contentType, 'x-acs-request-id': requestId, 'Cache-Control': 'no-store' });
      res.end(text ?? JSON.stringify(body));
      finish();
    };
    const sendFault = (f: StsFault): void => {
      rec.code = f.code;
      sendJson(f.status, errorBody(f, requestId));
    };

    try {
      const rawUrl = req.url ?? '/';
      const q = rawUrl.indexOf('?');
      const path = q < 0 ? rawUrl : rawUrl.slice(0, q);
      const queryText = q < 0 ? '' : rawUrl.slice(q + 1);
      const body = await readBody(req);
      const method = (req.method ?? 'GET').toUpperCase();

      if (path === '/federation' || path === '/console') {
        rec.action = path === '/console' ? 'Console' : 'federation';
        if (method !== 'GET' && method !== 'POST') return sendFault(Faults.methodNotAllowed());
        if (body === null) return sendFault(Faults.bodyTooLarge());
        const params = new Map(decodeForm(queryText));
        if (path === '/console') {
          const page = renderConsole(params.get('session') ?? null, fedContext());
          rec.code = page.status === 200 ? 'Success' : 'ConsoleSessionInvalid';
          rec.status = page.status;
          if (res.destroyed || closed) return;
          res.writeHead(page.status, {
            'Content-Type': 'text/html; charset=utf-8',
            'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'",
            'X-Frame-Options': 'DENY',
            'Referrer-Policy': 'no-referrer',
            'Cache-Control': 'no-store',
          });
          res.end(page.html);
          return finish();
        }
        for (const [k, v] of formBody(req, body)) params.set(k, v);
        const fedAction = params.get('Action');
        rec.action = fedAction === 'GetSigninToken' || fedAction === 'Login' ? fedAction : 'federation';
        const out = handleFederation(params, fedContext());
        rec.code = out.code;
        if (out.kind === 'redirect') {
          rec.status = 302;
          if (res.destroyed || closed) return;
          res.writeHead(302, { Location: out.location, 'Cache-Control': 'no-store' });
          res.end();
          return finish();
        }
        rec.accessKeyId = out.accessKeyId;
        return sendJson(out.status, { RequestId: requestId, ...out.body });
      }

      if (path !== '/') return sendFault(Faults.notFound());
      if (method !== 'GET' && method !== 'POST') return sendFault(Faults.methodNotAllowed());
      if (body === null) return sendFault(Faults.bodyTooLarge());

      const raw: RawStsRequest = { method, path, query: decodeForm(queryText), headers: req.headersDistinct, body };
      const parsed: ParsedStsRequest = parseStsRequest(raw);
      // Only known names become stats keys, so clients cannot grow the map.
      rec.action = (STS_ACTIONS as readonly string[]).includes(parsed.action ?? '') ? (parsed.action ?? 'unknown') : 'unknown';
      rec.accessKeyId = parsed.accessKeyId;
      rec.signature = parsed.style;

      // Faults that act before any check, like a gateway or overloaded backend would.
      const pre = faults.take(parsed.action, ['server-error', 'throttle', 'hang', 'slow']);
      if (pre?.kind === 'server-error') return sendFault(pre.status === 503 ? Faults.unavailable() : Faults.internal());
      if (pre?.kind === 'throttle') return sendFault(Faults.throttled());
      if (pre?.kind === 'hang') {
        await wait(res);
        if (!res.destroyed && !closed) res.destroy();
        return;
      }
      if (pre?.kind === 'slow') {
        await wait(res, pre.delayMs ?? 1000);
        if (res.destroyed || closed) return;
      }

      const ctx = stsContext();
      ctx.takeEarlyExpiry = () => faults.take(parsed.action, ['early-expiry']) !== undefined;
      const result = processSts(parsed, ctx);
      const post = faults.take(parsed.action, ['malformed', 'wrong-content-type']);
      if (result instanceof StsFault) {
        rec.code = result.code;
        const bodyObj = errorBody(result, requestId);
        if (post?.kind === 'malformed') return sendJson(200, bodyObj, JSON_TYPE, truncate(JSON.stringify(bodyObj)));
        return sendJson(result.status, bodyObj, post?.kind === 'wrong-content-type' ? 'text/html;charset=utf-8' : JSON_TYPE);
      }
      rec.code = 'Success';
      const bodyObj = { ...result.body, RequestId: requestId };
      if (post?.kind === 'malformed') return sendJson(200, bodyObj, JSON_TYPE, truncate(JSON.stringify(bodyObj)));
      return sendJson(200, bodyObj, post?.kind === 'wrong-content-type' ? 'text/html;charset=utf-8' : JSON_TYPE);
    } catch (e) {
      if (e instanceof StsFault) return sendFault(e);
      // Never echo internals: they may contain request data.
      return sendFault(Faults.internal());
    } finally {
      if (!answered) {
        answered = true;
        stats.abandon(rec);
      }
    }
  }

  const server = createServer((req, res) => {
    void handle(req, res);
  });
  server.on('clientError', (_err, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    else socket.destroy();
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const actualPort = (server.address() as AddressInfo).port;
  baseUrl = `http://127.0.0.1:${actualPort}`;

  let closing: Promise<void> | undefined;
  return {
    url: baseUrl,
    port: actualPort,
    world,
    faults,
    stats,
    close(): Promise<void> {
      closing ??= new Promise<void>((resolve) => {
        closed = true;
        server.close(() => resolve());
        for (const w of [...waiters]) w();
        server.closeAllConnections();
      });
      return closing;
    },
  };
}

/** Read the whole body; null when it exceeds MAX_BODY_BYTES. */
function readBody(req: IncomingMessage): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY_BYTES) tooLarge = true;
      else chunks.push(c);
    });
    req.on('end', () => resolve(tooLarge ? null : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** Form parameters of a federation POST body (other content types are ignored). */
function formBody(req: IncomingMessage, body: Buffer): Array<[string, string]> {
  if (body.length === 0) return [];
  const ct = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  if (ct !== 'application/x-www-form-urlencoded') throw Faults.contentType();
  return decodeForm(body.toString('utf8'));
}

function truncate(text: string): string {
  return text.slice(0, Math.max(1, Math.floor(text.length / 2)));
}
