/**
 * STS sessions issued by the sandbox (so issued credentials work for later calls) and the
 * one-time SigninTokens and console sessions of the sign-in stand-in.
 */
import { randomBytes } from 'node:crypto';

export interface StsSession {
  accessKeyId: string;
  accessKeySecret: string;
  securityToken: string;
  /** Expiry on the sandbox clock (ms since epoch, whole seconds). */
  expiresAt: number;
  roleArn: string;
  roleName: string;
  roleId: string;
  accountId: string;
  sessionName: string;
  policy?: string | undefined;
  sourceIdentity?: string | undefined;
  /** AccessKey ID of the caller that assumed the role (a user key or an STS key). */
  issuedTo: string;
}

export interface SigninTicket {
  token: string;
  sessionKeyId: string;
  expiresAt: number;
  used: boolean;
}

export interface ConsoleSession {
  id: string;
  session: StsSession;
  destination: string;
  loginUrl: string;
  signedInAt: number;
}

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
/** Sessions are dropped this long after they expire. */
const KEEP_EXPIRED_MS = 24 * 3600 * 1000;
const MAX_SESSIONS = 50_000;

export function randomAlnum(length: number): string {
  const bytes = randomBytes(length);
  let out = '';
  for (const b of bytes) out += ALNUM[b % ALNUM.length];
  return out;
}

export class SessionStore {
  private readonly byKeyId = new Map<string, StsSession>();
  private readonly byToken = new Map<string, StsSession>();
  private readonly tickets = new Map<string, SigninTicket>();
  private readonly consoles = new Map<string, ConsoleSession>();

  /** Create and remember a session; the caller fills in the role fields. */
  issue(fields: Omit<StsSession, 'accessKeyId' | 'accessKeySecret' | 'securityToken'>, now: number): StsSession {
    this.prune(now);
    const session: StsSession = {
      ...fields,
      accessKeyId: `STS.N${randomAlnum(27)}`,
      accessKeySecret: randomAlnum(44),
      // Opaque, long, and with + / = like real tokens, so clients must URL-encode it.
      securityToken: `CAIS${randomBytes(150).toString('base64')}`,
    };
    this.byKeyId.set(session.accessKeyId, session);
    this.byToken.set(session.securityToken, session);
    return session;
  }

  byAccessKeyId(id: string): StsSession | undefined {
    return this.byKeyId.get(id);
  }

  bySecurityToken(token: string): StsSession | undefined {
    return this.byToken.get(token);
  }

  get size(): number {
    return this.byKeyId.size;
  }

  newSigninTicket(session: StsSession, now: number, lifetimeMs: number): SigninTicket {
    const ticket: SigninTicket = { token: randomBytes(48).toString('base64url'), sessionKeyId: session.accessKeyId, expiresAt: now + lifetimeMs, used: false };
    this.tickets.set(ticket.token, ticket);
    return ticket;
  }

  ticket(token: string): SigninTicket | undefined {
    return this.tickets.get(token);
  }

  newConsole(session: StsSession, destination: string, loginUrl: string, now: number): ConsoleSession {
    const c: ConsoleSession = { id: randomBytes(24).toString('base64url'), session, destination, loginUrl, signedInAt: now };
    this.consoles.set(c.id, c);
    return c;
  }

  console(id: string): ConsoleSession | undefined {
    return this.consoles.get(id);
  }

  private prune(now: number): void {
    if (this.byKeyId.size < 1000 && this.tickets.size < 1000) return;
    for (const [id, s] of this.byKeyId) {
      if (s.expiresAt + KEEP_EXPIRED_MS < now || this.byKeyId.size > MAX_SESSIONS) {
        this.byKeyId.delete(id);
        this.byToken.delete(s.securityToken);
      }
    }
    for (const [t, ticket] of this.tickets) if (ticket.expiresAt < now) this.tickets.delete(t);
    for (const [id, c] of this.consoles) if (c.session.expiresAt < now) this.consoles.delete(id);
  }
}
