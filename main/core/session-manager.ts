/**
 * SessionManager: identities, roles and live STS sessions over the ports.
 *
 * One object graph serves the tray app and the CLI. Every catalog change is a locked
 * read-modify-write; every CLI-config change goes through the coalescing writer; sessions are
 * cached in the keychain (`session:<role>`) so another process reuses them without calling STS.
 */
import { EventEmitter } from 'node:events';
import os from 'node:os';
import type { Catalog, ErrorView, Identity, Role, SessionCredentials, SessionState, SessionView, Settings, Site } from './common/model';
import {
  CHAINED_FALLBACK_DURATION,
  checkAccessKeyId,
  checkDuration,
  checkExternalId,
  checkName,
  checkPolicy,
  checkProfileName,
  checkRegion,
  checkRoleArn,
  checkSessionName,
  checkStsEndpoint,
  defaultProfileName,
  defaultSessionName,
  parseRoleArn,
} from './common/validate';
import type { RoleFormInput } from '../../preload/contract';
import type { CatalogStore } from './catalog';
import { MAX_CHAIN_DEPTH, sourceChain } from './common/chain';
import type { ApplyResult, CliConfigFile, CoalescingConfigWriter, ManagedProfile } from './cli-config';
import { RoleTrayError, asRoleTrayError, invalid, notFound, registerSecret } from './errors';
import { stsEndpointFor } from './paths';
import { SESSION_ACCOUNT_PREFIX, readCachedSession, type CachedSession } from './session-cache';
import type { CallerCredentials, CallerIdentity, Clock, Logger, SecretStore, StsClient } from './ports';
import { silentLogger, systemClock } from './ports';

export { SESSION_ACCOUNT_PREFIX };

export interface IdentityInput {
  name: string;
  accessKeyId: string;
  secret: string;
  site?: Site | undefined;
  region?: string | undefined;
  stsEndpoint?: string | undefined;
  verify?: boolean | undefined;
  /** Overwrite an existing identity (edit); the new key is verified before anything changes. */
  replace?: boolean | undefined;
}

/** A role definition as the CLI and the window send it (the IPC contract's type). */
export type RoleInput = RoleFormInput;

export interface ActivityEntry {
  at: number;
  kind: 'assume' | 'refresh' | 'switch' | 'stop' | 'error' | 'identity' | 'role';
  role?: string | undefined;
  message: string;
}

interface LiveSession {
  creds: SessionCredentials | null;
  issuedAt: number | null;
  state: SessionState;
  error: ErrorView | null;
  note: string | null;
}

export interface SessionManagerDeps {
  catalog: CatalogStore;
  secrets: SecretStore;
  sts: StsClient;
  cliConfig: CliConfigFile;
  writer: CoalescingConfigWriter;
  clock?: Clock | undefined;
  logger?: Logger | undefined;
  env?: NodeJS.ProcessEnv | undefined;
}

/** Events: 'change' (no payload) whenever sessions, catalog or current change; 'activity' (ActivityEntry). */
export class SessionManager extends EventEmitter {
  readonly catalogStore: CatalogStore;
  readonly secrets: SecretStore;
  readonly sts: StsClient;
  readonly cliConfig: CliConfigFile;
  readonly writer: CoalescingConfigWriter;
  readonly clock: Clock;
  readonly logger: Logger;
  private readonly env: NodeJS.ProcessEnv;
  private readonly live = new Map<string, LiveSession>();
  private readonly inflight = new Map<string, Promise<SessionCredentials>>();
  /** Switches already written together with a freshly assumed profile (see writeProfile). */
  private readonly preSwitched = new Map<string, Promise<ApplyResult>>();
  private cachedCatalog: Catalog | null = null;
  private readonly activityLog: ActivityEntry[] = [];

  constructor(deps: SessionManagerDeps) {
    super();
    this.catalogStore = deps.catalog;
    this.secrets = deps.secrets;
    this.sts = deps.sts;
    this.cliConfig = deps.cliConfig;
    this.writer = deps.writer;
    this.clock = deps.clock ?? systemClock;
    this.logger = deps.logger ?? silentLogger;
    this.env = deps.env ?? process.env;
  }

  // ---------------------------------------------------------------- catalog

  async catalog(): Promise<Catalog> {
    this.cachedCatalog = await this.catalogStore.load();
    return this.cachedCatalog;
  }

  /** The last catalog read (for synchronous consumers such as the managed-profile set). */
  get lastCatalog(): Catalog | null {
    return this.cachedCatalog;
  }

  managedProfiles(): ReadonlySet<string> {
    return new Set(this.cachedCatalog?.managedProfiles ?? []);
  }

  private async updateCatalog<T>(fn: (cat: Catalog) => T | Promise<T>): Promise<T> {
    const { catalog, result } = await this.catalogStore.update(fn);
    this.cachedCatalog = catalog;
    this.emit('change');
    return result;
  }

  async settings(): Promise<Settings> {
    return (await this.catalog()).settings;
  }

  async updateSettings(patch: Partial<Settings>): Promise<Settings> {
    if (patch.refreshLeadSeconds !== undefined && (!Number.isInteger(patch.refreshLeadSeconds) || patch.refreshLeadSeconds < 60 || patch.refreshLeadSeconds > 3600)) {
      throw invalid('refresh lead time must be 60-3600 seconds');
    }
    if (patch.defaultRegion !== undefined) assertValid(checkRegion(patch.defaultRegion));
    return this.updateCatalog((cat) => {
      cat.settings = { ...cat.settings, ...patch };
      return cat.settings;
    });
  }

  // ---------------------------------------------------------------- identities

  /** Verify (unless verify=false), then store the secret in the keychain and the metadata in the catalog. */
  async addIdentity(input: IdentityInput): Promise<Identity & { verified: CallerIdentity | null }> {
    assertValid(checkName('identity', input.name));
    assertValid(checkAccessKeyId(input.accessKeyId));
    if (!input.secret || input.secret.length < 8 || /\s/.test(input.secret)) throw invalid('the AccessKey secret is empty or malformed', 'paste the secret exactly as shown when the key was created');
    const cat = await this.catalog();
    const region = input.region ?? cat.settings.defaultRegion;
    assertValid(checkRegion(region));
    if (input.stsEndpoint) assertValid(checkStsEndpoint(input.stsEndpoint));
    const existing = cat.identities.find((i) => i.name === input.name);
    if (cat.roles.some((r) => r.name === input.name)) throw new RoleTrayError('conflict', `"${input.name}" is already a role name`, { hint: 'pick another identity name' });
    if (existing && !existing.placeholder && !input.replace) throw new RoleTrayError('conflict', `identity "${input.name}" already exists`, { hint: `remove it first: roletray identity remove ${input.name}` });
    registerSecret(input.secret, true);
    const identity: Identity = {
      name: input.name,
      accessKeyId: input.accessKeyId,
      site: input.site ?? cat.settings.site,
      region,
      ...(input.stsEndpoint ? { stsEndpoint: input.stsEndpoint } : {}),
    };
    let verified: CallerIdentity | null = null;
    if (input.verify !== false) {
      verified = await this.sts.getCallerIdentity({ accessKeyId: input.accessKeyId, accessKeySecret: input.secret }, stsEndpointFor(identity, this.env));
      identity.accountId = verified.accountId;
      identity.arn = verified.arn;
    }
    await this.secrets.set(input.name, input.secret);
    await this.updateCatalog((c) => {
      c.identities = c.identities.filter((i) => i.name !== input.name);
      c.identities.push(identity);
    });
    this.activity('identity', undefined, `identity ${input.name} added${verified ? ` (${verified.arn})` : ''}`);
    return { ...identity, verified };
  }

  async removeIdentity(name: string): Promise<void> {
    const cat = await this.catalog();
    if (!cat.identities.some((i) => i.name === name)) throw notFound(`no identity named "${name}"`, 'list them with: roletray identity list');
    const users = cat.roles.filter((r) => r.source === name).map((r) => r.name);
    if (users.length > 0) throw new RoleTrayError('conflict', `identity "${name}" is the source of role(s) ${users.join(', ')}`, { hint: 'remove those roles first' });
    await this.secrets.delete(name);
    await this.updateCatalog((c) => {
      c.identities = c.identities.filter((i) => i.name !== name);
    });
    this.activity('identity', undefined, `identity ${name} removed (keychain entry deleted)`);
  }

  // ---------------------------------------------------------------- roles

  /** Validate a role definition against the catalog (no network). */
  validateRole(input: RoleInput, cat: Catalog, replacing?: string): Role {
    assertValid(checkName('role', input.name));
    assertValid(checkRoleArn(input.arn));
    const duration = input.durationSeconds ?? 3600;
    assertValid(checkDuration(duration));
    if (input.sessionName !== undefined) assertValid(checkSessionName(input.sessionName));
    if (input.externalId !== undefined) assertValid(checkExternalId(input.externalId));
    if (input.policy !== undefined) assertValid(checkPolicy(input.policy));
    if (input.region !== undefined) assertValid(checkRegion(input.region));
    const profile = input.profile ?? defaultProfileName(input.name);
    assertValid(checkProfileName(profile));
    if (cat.identities.some((i) => i.name === input.name)) throw new RoleTrayError('conflict', `"${input.name}" is already an identity name`, { hint: 'pick another role name' });
    if (input.name !== replacing && cat.roles.some((r) => r.name === input.name)) throw new RoleTrayError('conflict', `role "${input.name}" already exists`, { hint: `remove it first: roletray role remove ${input.name}` });
    const clash = cat.roles.find((r) => r.profile === profile && r.name !== replacing && r.name !== input.name);
    if (clash) throw new RoleTrayError('conflict', `profile "${profile}" is already used by role ${clash.name}`, { hint: 'choose another --profile' });
    const isIdentity = cat.identities.some((i) => i.name === input.source);
    const isRole = cat.roles.some((r) => r.name === input.source && r.name !== replacing);
    if (!isIdentity && !isRole) throw notFound(`source "${input.source}" is neither an identity nor a role`, 'add the identity first: roletray identity add <name> --access-key-id <id>');
    if (input.source === input.name) throw invalid(`role "${input.name}" cannot be its own source`);
    const role: Role = {
      name: input.name,
      arn: input.arn,
      source: input.source,
      profile,
      durationSeconds: duration,
      ...(input.region !== undefined ? { region: input.region } : {}),
      ...(input.sessionName !== undefined ? { sessionName: input.sessionName } : {}),
      ...(input.externalId !== undefined ? { externalId: input.externalId } : {}),
      ...(input.policy !== undefined ? { policy: input.policy } : {}),
      ...(input.accountAlias !== undefined ? { accountAlias: input.accountAlias } : {}),
    };
    // cycles: walk the chain with the new role in place
    const roles = new Map(cat.roles.filter((r) => r.name !== replacing).map((r) => [r.name, r]));
    roles.set(role.name, role);
    let cur: string = role.source;
    const seen = new Set([role.name]);
    for (let depth = 0; roles.has(cur); depth++) {
      if (seen.has(cur) || depth > MAX_CHAIN_DEPTH) throw invalid(`role "${role.name}" would make a source cycle or a chain deeper than ${MAX_CHAIN_DEPTH}`);
      seen.add(cur);
      cur = roles.get(cur)!.source;
    }
    return role;
  }

  async addRole(input: RoleInput): Promise<Role> {
    const cat = await this.catalog();
    const role = this.validateRole(input, cat);
    await this.updateCatalog((c) => {
      this.validateRole(input, c);
      c.roles.push(role);
    });
    this.activity('role', role.name, `role ${role.name} added (${role.arn})`);
    return role;
  }

  async updateRole(oldName: string, input: RoleInput): Promise<Role> {
    const cat = await this.catalog();
    const old = cat.roles.find((r) => r.name === oldName);
    if (!old) throw notFound(`no role named "${oldName}"`, 'list them with: roletray role list');
    const role = this.validateRole(input, cat, oldName);
    if (old.profile !== role.profile || old.name !== role.name || old.arn !== role.arn) await this.stop(oldName).catch(() => undefined);
    await this.updateCatalog((c) => {
      c.roles = c.roles.map((r) => (r.name === oldName ? role : r.source === oldName ? { ...r, source: role.name } : r));
    });
    this.activity('role', role.name, `role ${role.name} updated`);
    return role;
  }

  async removeRole(name: string): Promise<void> {
    const cat = await this.catalog();
    if (!cat.roles.some((r) => r.name === name)) throw notFound(`no role named "${name}"`, 'list them with: roletray role list');
    const users = cat.roles.filter((r) => r.source === name).map((r) => r.name);
    if (users.length > 0) throw new RoleTrayError('conflict', `role "${name}" is the source of role(s) ${users.join(', ')}`, { hint: 'remove those roles first' });
    await this.stop(name);
    await this.updateCatalog((c) => {
      const role = c.roles.find((r) => r.name === name);
      c.roles = c.roles.filter((r) => r.name !== name);
      if (role) {
        c.managedProfiles = c.managedProfiles.filter((p) => p !== role.profile);
        delete c.previousCurrent[role.profile];
      }
    });
    this.live.delete(name);
    this.activity('role', name, `role ${name} removed`);
  }

  // ---------------------------------------------------------------- sessions

  private role(cat: Catalog, name: string): Role {
    const role = cat.roles.find((r) => r.name === name);
    if (!role) throw notFound(`no role named "${name}"`, 'list them with: roletray role list');
    return role;
  }

  private rootIdentity(cat: Catalog, role: Role): Identity {
    const { identity } = sourceChain(cat, role.name);
    if (identity) return identity;
    throw notFound(`role "${role.name}" has no identity at the end of its source chain`, 'fix the role source: roletray role add ... --source <identity>');
  }

  private getLive(name: string): LiveSession {
    let s = this.live.get(name);
    if (!s) {
      s = { creds: null, issuedAt: null, state: 'stopped', error: null, note: null };
      this.live.set(name, s);
    }
    return s;
  }

  private leadMs(cat: Catalog): number {
    return cat.settings.refreshLeadSeconds * 1000;
  }

  /** Read the keychain cache of a role's session (another process may have refreshed it). */
  async readCachedSession(role: string): Promise<CachedSession | null> {
    return readCachedSession(this.secrets, role);
  }

  /** Adopt the keychain cache if it is newer than what this process holds. */
  private async syncFromCache(name: string): Promise<LiveSession> {
    const live = this.getLive(name);
    const cached = await this.readCachedSession(name);
    if (cached && (!live.creds || cached.creds.expiresAt > live.creds.expiresAt)) {
      live.creds = cached.creds;
      live.issuedAt = cached.issuedAt;
      if (live.state === 'stopped' || live.state === 'expired') live.state = 'active';
    }
    return live;
  }

  /**
   * Credentials for a role: reuse a session with more than `minRemainingMs` left (memory, then
   * the keychain cache), else assume it through its source chain and write its profile.
   */
  async credentials(name: string, opts: { minRemainingMs?: number; force?: boolean; deferWrite?: boolean; switchAfter?: boolean } = {}): Promise<SessionCredentials> {
    const cat = this.cachedCatalog ?? (await this.catalog());
    const role = this.role(cat, name);
    const min = opts.minRemainingMs ?? this.leadMs(cat);
    if (!opts.force) {
      const live = await this.syncFromCache(role.name);
      if (live.creds && live.creds.expiresAt - this.clock.now() > min) return live.creds;
    }
    return this.assumeOnce(role.name, cat, opts.deferWrite ?? false, opts.switchAfter ?? false);
  }

  private assumeOnce(name: string, cat: Catalog, deferWrite = false, switchAfter = false): Promise<SessionCredentials> {
    const running = this.inflight.get(name);
    if (running) return running;
    const p = this.doAssume(name, cat, 0, deferWrite, switchAfter).finally(() => this.inflight.delete(name));
    this.inflight.set(name, p);
    return p;
  }

  private async doAssume(name: string, cat: Catalog, depth = 0, deferWrite = false, switchAfter = false): Promise<SessionCredentials> {
    if (depth > MAX_CHAIN_DEPTH) throw invalid(`role chain of "${name}" is deeper than ${MAX_CHAIN_DEPTH}`);
    const role = this.role(cat, name);
    const identity = this.rootIdentity(cat, role);
    const endpoint = stsEndpointFor(identity, this.env);
    const live = this.getLive(name);
    const wasActive = live.creds !== null && live.creds.expiresAt > this.clock.now();
    const prevState = live.state;
    if (wasActive) {
      live.state = 'refreshing';
      this.emit('change');
    }
    try {
      // An unreadable CLI config must fail before any STS call, and nothing is written.
      await this.cliConfig.read();
      const caller = await this.callerFor(role, cat, depth);
      const chained = caller.securityToken !== undefined;
      const sessionName = role.sessionName ?? defaultSessionName(safeUser());
      let duration = chained && role.chainedDurationCapped ? Math.min(role.durationSeconds, CHAINED_FALLBACK_DURATION) : role.durationSeconds;
      let creds: SessionCredentials;
      let note: string | null = null;
      const base = { roleArn: role.arn, sessionName, externalId: role.externalId, policy: role.policy };
      try {
        creds = await this.sts.assumeRole(caller, endpoint, { ...base, durationSeconds: duration });
      } catch (e) {
        const err = asRoleTrayError(e);
        if (chained && err.stsCode === 'InvalidParameter.DurationSeconds' && duration > CHAINED_FALLBACK_DURATION) {
          duration = CHAINED_FALLBACK_DURATION;
          creds = await this.sts.assumeRole(caller, endpoint, { ...base, durationSeconds: duration });
          note = `STS refused ${role.durationSeconds}s for this chained role; RoleTray now asks for 1 hour (3600 s) and remembers that`;
          await this.updateCatalog((c) => {
            const r = c.roles.find((x) => x.name === name);
            if (r) r.chainedDurationCapped = true;
          });
          this.logger.warn('chained duration capped', { role: name });
        } else {
          throw err;
        }
      }
      const issuedAt = this.clock.now();
      const cached: CachedSession = { v: 1, creds, issuedAt };
      await this.writeProfile(role, identity, creds, deferWrite, switchAfter);
      await this.secrets.set(SESSION_ACCOUNT_PREFIX + name, JSON.stringify(cached));
      live.creds = creds;
      live.issuedAt = issuedAt;
      live.state = 'active';
      live.error = null;
      live.note = note ?? (chained && role.chainedDurationCapped ? 'chained session capped at 1 hour by STS' : null);
      this.activity(wasActive ? 'refresh' : 'assume', name, `${wasActive ? 'refreshed' : 'assumed'} ${role.name}, valid until ${new Date(creds.expiresAt).toISOString()}${note ? ` (${note})` : ''}`);
      this.emit('change');
      return creds;
    } catch (e) {
      const err = asRoleTrayError(e);
      const now = this.clock.now();
      if (err.retryable && live.creds && live.creds.expiresAt > now) {
        // keep the old credentials until they expire
        live.state = prevState === 'refreshing' ? 'active' : prevState;
        live.error = err.toView();
      } else if (err.retryable && live.creds) {
        live.state = 'expired';
        live.error = err.toView();
      } else if (!err.retryable && (err.code === 'sts' || err.code === 'keychain')) {
        live.state = 'error';
        live.error = err.toView();
      } else if (live.creds === null) {
        live.state = err.code === 'sts' || err.code === 'network' ? 'error' : live.state;
        live.error = err.toView();
      }
      this.activity('error', name, `${role.name}: ${err.oneLine()}`);
      this.emit('change');
      throw err;
    }
  }

  private async callerFor(role: Role, cat: Catalog, depth: number): Promise<CallerCredentials> {
    const identity = cat.identities.find((i) => i.name === role.source);
    if (identity) {
      if (identity.placeholder) throw new RoleTrayError('not-found', `identity "${identity.name}" has no key yet (imported placeholder)`, { hint: `add its key: roletray identity add ${identity.name} --access-key-id <id>` });
      const secret = await this.secrets.get(identity.name);
      if (!secret) {
        throw new RoleTrayError('keychain', `the keychain has no secret for identity "${identity.name}"`, {
          hint: `add it again: roletray identity add ${identity.name} --access-key-id ${identity.accessKeyId}`,
        });
      }
      registerSecret(secret, true);
      return { accessKeyId: identity.accessKeyId, accessKeySecret: secret };
    }
    // role chaining: the source role's live session signs the call
    const srcLive = await this.syncFromCache(role.source);
    const minLeft = 60_000;
    let src = srcLive.creds;
    if (!src || src.expiresAt - this.clock.now() <= minLeft) {
      src = await this.doAssume(role.source, cat, depth + 1);
    }
    return { accessKeyId: src.accessKeyId, accessKeySecret: src.accessKeySecret, securityToken: src.securityToken };
  }

  private async writeProfile(role: Role, identity: Identity, creds: SessionCredentials, deferWrite = false, switchAfter = false): Promise<void> {
    const cat = this.cachedCatalog ?? (await this.catalog());
    if (!cat.managedProfiles.includes(role.profile)) {
      // Claim the profile under the catalog lock, against the fresh catalog: another process may
      // have claimed it (and written it) since this one read the catalog; that is not a clash.
      await this.updateCatalog(async (c) => {
        if (c.managedProfiles.includes(role.profile)) return;
        const { doc } = await this.cliConfig.read();
        const clash = (doc.profiles ?? []).some((p) => p.name === role.profile);
        if (clash) {
          throw new RoleTrayError('conflict', `the aliyun CLI config already has a profile "${role.profile}" that RoleTray does not manage; it was left untouched`, {
            hint: `choose another profile for role ${role.name} (roletray role remove ${role.name}, then add it with --profile <name>)`,
          });
        }
        c.managedProfiles.push(role.profile);
        // Switching right after: remember the `current` to restore on stop in this same catalog
        // write (makeCurrent then finds it already recorded and writes the catalog no more).
        const prev = doc.current ?? undefined;
        if (switchAfter && prev !== undefined && prev !== role.profile) {
          const inherited = c.managedProfiles.includes(prev) ? c.previousCurrent[prev] : prev;
          if (inherited !== undefined) c.previousCurrent[role.profile] = inherited;
        }
      });
    }
    const profile: ManagedProfile = {
      name: role.profile,
      mode: 'StsToken',
      access_key_id: creds.accessKeyId,
      access_key_secret: creds.accessKeySecret,
      sts_token: creds.securityToken,
      sts_expiration: Math.floor(creds.expiresAt / 1000),
      region_id: role.region ?? identity.region,
      output_format: 'json',
      language: 'en', // the writer keeps an existing profile's language
    };
    const clashError = (): RoleTrayError =>
      new RoleTrayError('conflict', `the aliyun CLI config has a profile "${role.profile}" that RoleTray does not manage; it was left untouched`, {
        hint: `choose another profile name for role ${role.name}`,
      });
    const pending = this.writer.enqueue({ kind: 'upsert', profile }, { deferrable: deferWrite });
    if (deferWrite) {
      // A background refresh: the profile on disk still holds valid credentials, so the write may
      // join the burst's single write; a failure is reported on the session when it happens.
      pending.then(
        (res) => {
          if (res.clashes.includes(role.profile)) this.markState(role.name, 'error', clashError().toView());
        },
        (e: unknown) => {
          const err = asRoleTrayError(e);
          this.activity('error', role.name, `${role.name}: ${err.oneLine()}`);
          this.markState(role.name, this.getLive(role.name).state, err.toView());
        },
      );
      return;
    }
    // switch in the same write as the new profile (one locked write instead of two)
    const switched = switchAfter ? this.writer.enqueue({ kind: 'switch', name: role.profile }) : undefined;
    switched?.catch(() => undefined);
    const res = await pending;
    if (res.clashes.includes(role.profile)) throw clashError();
    if (switched) this.preSwitched.set(role.name, switched);
  }

  /** Assume a role (reusing a session with time left unless force) and optionally make it current. */
  async assume(name: string, opts: { switch?: boolean; force?: boolean } = {}): Promise<SessionView> {
    await this.credentials(name, { force: opts.force ?? false, switchAfter: opts.switch ?? false });
    if (opts.switch) await this.makeCurrent(name);
    return this.view(name);
  }

  /** Make the role current, reusing a session that still has time left, assuming otherwise. */
  async switchTo(name: string): Promise<SessionView> {
    const cat = this.cachedCatalog ?? (await this.catalog());
    this.role(cat, name);
    // Reuse any session with more than a minute left; the scheduler refreshes it in time.
    await this.credentials(name, { minRemainingMs: 60_000, switchAfter: true });
    await this.makeCurrent(name);
    const c = this.cachedCatalog ?? (await this.catalog());
    // the session was just synced and the role made current: no second keychain or file read
    return this.toView(this.role(c, name), this.getLive(name), this.role(c, name).profile, c);
  }

  private async makeCurrent(name: string): Promise<void> {
    const cat = this.cachedCatalog ?? (await this.catalog());
    const role = this.role(cat, name);
    const pre = this.preSwitched.get(name);
    this.preSwitched.delete(name);
    const res = await (pre ?? this.writer.enqueue({ kind: 'switch', name: role.profile }));
    const prev = res.previousCurrent;
    const wanted = prev === undefined || prev === role.profile ? undefined : cat.managedProfiles.includes(prev) ? cat.previousCurrent[prev] : prev;
    // only write the catalog when the remembered "previous current" actually changes
    if (prev !== undefined && wanted !== undefined && cat.previousCurrent[role.profile] !== wanted) {
      await this.updateCatalog((c) => {
        const inherited = c.managedProfiles.includes(prev) ? c.previousCurrent[prev] : prev;
        if (inherited !== undefined) c.previousCurrent[role.profile] = inherited;
      });
    }
    this.activity('switch', name, `switched the aliyun CLI to ${role.profile} (${role.name})`);
    this.emit('change');
  }

  /** End a role's session: remove its profile (restoring `current`) and the cached session. */
  async stop(name: string): Promise<void> {
    const cat = await this.catalog();
    const role = this.role(cat, name);
    if (cat.managedProfiles.includes(role.profile)) {
      await this.writer.enqueue({ kind: 'remove', name: role.profile, restoreCurrent: cat.previousCurrent[role.profile] });
    }
    await this.secrets.delete(SESSION_ACCOUNT_PREFIX + name);
    const live = this.getLive(name);
    live.creds = null;
    live.issuedAt = null;
    live.state = 'stopped';
    live.error = null;
    live.note = null;
    this.activity('stop', name, `stopped ${name}; profile ${role.profile} removed`);
    this.emit('change');
  }

  /** Mark a session state from the scheduler (expiring / error) without touching credentials. */
  markState(name: string, state: SessionState, error?: ErrorView | null): void {
    const live = this.getLive(name);
    if (live.state === state && (error === undefined || live.error === error)) return;
    live.state = state;
    if (error !== undefined) live.error = error;
    this.emit('change');
  }

  liveSession(name: string): Readonly<LiveSession> | undefined {
    return this.live.get(name);
  }

  /** The session view of one role (no secrets). */
  async view(name: string, currentProfile?: string): Promise<SessionView> {
    const cat = this.cachedCatalog ?? (await this.catalog());
    const role = this.role(cat, name);
    const live = await this.syncFromCache(name);
    const current = currentProfile ?? (await this.cliConfig.read()).doc.current ?? undefined;
    return this.toView(role, live, current, cat);
  }

  private toView(role: Role, live: LiveSession, current: string | undefined, cat: Catalog): SessionView {
    const now = this.clock.now();
    let state = live.state;
    if (live.creds) {
      const left = live.creds.expiresAt - now;
      if (left <= 0 && state !== 'error') state = 'expired';
      else if (state === 'active' && left < this.leadMs(cat) && live.error) state = 'expiring';
    }
    return {
      role: role.name,
      profile: role.profile,
      state,
      expiresAt: live.creds ? live.creds.expiresAt : null,
      issuedAt: live.issuedAt,
      assumedRoleArn: live.creds ? live.creds.assumedRoleArn : null,
      current: current === role.profile && live.creds !== null,
      error: live.error,
      note: live.note ?? (role.chainedDurationCapped ? 'chained session capped at 1 hour by STS' : null),
    };
  }

  /**
   * Status of every role (reads the keychain cache, so it sees other processes' sessions).
   * `knownCurrent` / `knownCatalog`: what the caller has just read (one consistent view, no second read).
   */
  async status(knownCurrent?: string | null, knownCatalog?: Catalog): Promise<SessionView[]> {
    const cat = knownCatalog ?? (await this.catalog());
    let current: string | undefined;
    if (knownCurrent !== undefined) {
      current = knownCurrent ?? undefined;
    } else {
      try {
        current = (await this.cliConfig.read()).doc.current ?? undefined;
      } catch {
        current = undefined;
      }
    }
    const out: SessionView[] = [];
    for (const role of cat.roles) {
      const live = await this.syncFromCache(role.name);
      out.push(this.toView(role, live, current, cat));
    }
    return out;
  }

  /** Sessions this process knows about (for the scheduler). */
  activeRoles(): string[] {
    return [...this.live.entries()].filter(([, s]) => s.creds !== null && s.state !== 'stopped').map(([n]) => n);
  }

  private activity(kind: ActivityEntry['kind'], role: string | undefined, message: string): void {
    const entry: ActivityEntry = { at: this.clock.now(), kind, role, message };
    this.activityLog.push(entry);
    if (this.activityLog.length > 200) this.activityLog.shift();
    (kind === 'error' ? this.logger.warn : this.logger.info).call(this.logger, message, role ? { role } : undefined);
    this.emit('activity', entry);
  }

  recentActivity(): ActivityEntry[] {
    return [...this.activityLog];
  }

  /** The role whose profile is `current` in the CLI config, if RoleTray manages it. */
  async currentRole(): Promise<string | null> {
    const cat = await this.catalog();
    const { doc } = await this.cliConfig.read();
    return cat.roles.find((r) => r.profile === (doc.current ?? undefined))?.name ?? null;
  }

  accountOf(role: Role): { accountId: string; label: string } {
    const parsed = parseRoleArn(role.arn);
    const id = parsed?.accountId ?? 'unknown';
    return { accountId: id, label: role.accountAlias ?? id };
  }
}

function assertValid(reason: string | null): void {
  if (reason) throw invalid(reason);
}

function safeUser(): string {
  try {
    return os.userInfo().username;
  } catch {
    return 'user';
  }
}
