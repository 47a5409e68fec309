/**
 * The catalog: identities, roles and settings in `<dataDir>/catalog.json`. Never contains a secret.
 * Invalid or future-version files are reported and never overwritten.
 */
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import type { Catalog } from './common/model';
import { emptyCatalog, DEFAULT_SETTINGS } from './common/model';
import { MAX_DURATION, MIN_DURATION, NAME_RE, PROFILE_RE, REGION_RE, ROLE_ARN_RE } from './common/validate';
import { RoleTrayError } from './errors';
import { ensurePrivateDir, withFileLock, writeAtomic } from './fs-util';
import path from 'node:path';

const site = z.enum(['cn', 'intl']);

const identitySchema = z.object({
  name: z.string().regex(NAME_RE),
  accessKeyId: z.string().min(1).max(128),
  site,
  region: z.string().regex(REGION_RE),
  stsEndpoint: z.string().optional(),
  accountId: z.string().optional(),
  arn: z.string().optional(),
  placeholder: z.boolean().optional(),
});

const roleSchema = z.object({
  name: z.string().regex(NAME_RE),
  arn: z.string().regex(ROLE_ARN_RE),
  source: z.string().regex(NAME_RE),
  profile: z.string().regex(PROFILE_RE),
  region: z.string().regex(REGION_RE).optional(),
  durationSeconds: z.number().int().min(MIN_DURATION).max(MAX_DURATION),
  sessionName: z.string().optional(),
  externalId: z.string().optional(),
  policy: z.string().optional(),
  accountAlias: z.string().optional(),
  chainedDurationCapped: z.boolean().optional(),
});

const settingsSchema = z.object({
  refreshLeadSeconds: z.number().int().min(60).max(3600).default(DEFAULT_SETTINGS.refreshLeadSeconds),
  defaultRegion: z.string().regex(REGION_RE).default(DEFAULT_SETTINGS.defaultRegion),
  site: site.default(DEFAULT_SETTINGS.site),
  notifications: z.boolean().default(DEFAULT_SETTINGS.notifications),
  launchAtLogin: z.boolean().default(DEFAULT_SETTINGS.launchAtLogin),
  theme: z.enum(['system', 'light', 'dark']).default(DEFAULT_SETTINGS.theme),
});

export const catalogSchema = z.object({
  version: z.literal(1),
  identities: z.array(identitySchema).default([]),
  roles: z.array(roleSchema).default([]),
  settings: settingsSchema.default({ ...DEFAULT_SETTINGS }),
  managedProfiles: z.array(z.string()).default([]),
  previousCurrent: z.record(z.string(), z.string()).default({}),
});

export const CATALOG_VERSION = 1;

/** Parse and validate catalog text; throws RoleTrayError('catalog') naming the problem. */
export function parseCatalog(text: string, file: string): Catalog {
  let raw: unknown;
  try {
    raw = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (e) {
    throw new RoleTrayError('catalog', `the RoleTray catalog ${file} is not valid JSON (${(e as Error).message}); it was left untouched`, {
      hint: 'fix or move the file away (RoleTray will start a new one); it holds no secrets',
    });
  }
  const version = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>)['version'] : undefined;
  if (typeof version === 'number' && version > CATALOG_VERSION) {
    throw new RoleTrayError('catalog', `the RoleTray catalog ${file} was written by a newer RoleTray (format ${version}, this one reads ${CATALOG_VERSION}); it was left untouched`, {
      hint: 'upgrade RoleTray',
    });
  }
  const parsed = catalogSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue ? issue.path.join('.') || '(top level)' : '(unknown)';
    throw new RoleTrayError('catalog', `the RoleTray catalog ${file} is invalid at ${where}: ${issue?.message ?? 'bad shape'}; it was left untouched`, {
      hint: 'fix the file by hand or move it away; it holds no secrets',
    });
  }
  const cat = parsed.data as Catalog;
  checkReferences(cat, file);
  return cat;
}

function checkReferences(cat: Catalog, file: string): void {
  const names = new Set<string>();
  for (const n of [...cat.identities.map((i) => i.name), ...cat.roles.map((r) => r.name)]) {
    if (names.has(n)) throw new RoleTrayError('catalog', `the RoleTray catalog ${file} names "${n}" twice; it was left untouched`, { hint: 'rename one of them' });
    names.add(n);
  }
}

export class CatalogStore {
  constructor(readonly file: string) {}

  async load(): Promise<Catalog> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return emptyCatalog();
      throw new RoleTrayError('catalog', `cannot read the RoleTray catalog ${this.file}: ${(e as Error).message}`, { cause: e });
    }
    return parseCatalog(text, this.file);
  }

  /** Locked read-modify-write: re-reads the file, applies fn, validates, writes atomically (0600). */
  async update<T>(fn: (cat: Catalog) => T | Promise<T>): Promise<{ catalog: Catalog; result: T }> {
    await ensurePrivateDir(path.dirname(this.file));
    return withFileLock(this.file, async () => {
      const cat = await this.load();
      const result = await fn(cat);
      const checked = catalogSchema.safeParse(cat);
      if (!checked.success) {
        const issue = checked.error.issues[0];
        throw new RoleTrayError('invalid-input', `invalid value at ${issue?.path.join('.') ?? '?'}: ${issue?.message ?? ''}`);
      }
      checkReferences(cat, this.file);
      await writeAtomic(this.file, `${JSON.stringify(cat, null, 2)}\n`);
      return { catalog: cat, result };
    });
  }
}
