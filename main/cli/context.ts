/**
 * What every command gets: the global flags, the environment, the shared core (built on first
 * use, the same object graph as the tray app) and output helpers. Errors are thrown as
 * RoleTrayError and turned into one stderr line and an exit code by program.ts.
 */
import type { Catalog, Identity, Role } from '../core/common/model';
import { RoleTrayError, notFound } from '../core/errors';
import type { Core } from '../core/index';
import { createCore } from '../core/index';

export interface CliContext {
  readonly json: boolean;
  readonly env: NodeJS.ProcessEnv;
  /** The core, created on first use. */
  core(): Core;
  /** Whether core() was called (so the runner knows to flush its writer). */
  readonly coreStarted: boolean;
  /** Write to stdout. */
  out(text: string): void;
  /** Write a JSON value to stdout (pretty, one trailing newline). */
  printJson(value: unknown): void;
  /** Write a line to stderr (notes and warnings that are not the command's result). */
  note(text: string): void;
}

export function createContext(opts: { json: boolean; env?: NodeJS.ProcessEnv }): CliContext {
  const env = opts.env ?? process.env;
  let core: Core | undefined;
  return {
    json: opts.json,
    env,
    core() {
      core ??= createCore({ env });
      return core;
    },
    get coreStarted() {
      return core !== undefined;
    },
    out(text) {
      process.stdout.write(text);
    },
    printJson(value) {
      process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
    },
    note(text) {
      process.stderr.write(`${text}\n`);
    },
  };
}

export function findRole(cat: Catalog, name: string): Role {
  const role = cat.roles.find((r) => r.name === name);
  if (!role) throw notFound(`no role named "${name}"`, 'list them with: roletray role list');
  return role;
}

/** The identity at the end of a role's source chain (the key that signs the first AssumeRole). */
export function rootIdentityOf(cat: Catalog, role: Role): Identity | undefined {
  let src: string = role.source;
  for (let depth = 0; depth < 8; depth++) {
    const id = cat.identities.find((i) => i.name === src);
    if (id) return id;
    const next = cat.roles.find((r) => r.name === src);
    if (!next) return undefined;
    src = next.source;
  }
  return undefined;
}

/** Region a role's credentials are used in: the role's, else its identity's, else the default. */
export function regionOf(cat: Catalog, role: Role): string {
  return role.region ?? rootIdentityOf(cat, role)?.region ?? cat.settings.defaultRegion;
}

/** Run `fn` and name the role in any error it throws (the core's messages name the ARN). */
export async function forRole<T>(role: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof RoleTrayError && (e.code === 'sts' || e.code === 'network' || e.code === 'keychain') && !e.message.startsWith(`role ${role}`)) {
      // The core names the ARN ("assuming acs:ram::...: ..."); the user typed the role's name.
      const message = e.message.replace(/^assuming acs:ram::\S+: /, '');
      const hint = /remove the role$/.test(e.hint) ? `${e.hint} (roletray role remove ${role})` : e.hint;
      throw new RoleTrayError(e.code, `role ${role}: ${message}`, {
        hint,
        retryable: e.retryable,
        stsCode: e.stsCode,
        requestId: e.requestId,
        httpStatus: e.httpStatus,
        cause: e,
      });
    }
    throw e;
  }
}
