/**
 * The aliyun CLI config document (~/.aliyun/config.json): parse, merge RoleTray's changes, serialize.
 *
 * Pure: no I/O. The file is the user's and the CLI's; RoleTray changes only the profiles whose names
 * the caller says it manages, and keeps everything else (other profiles, unknown fields, key order,
 * `current`, `meta_path`) as found. See shared/DESIGN.md "Writing the aliyun CLI config".
 */
import { z } from 'zod';
import { checkProfileName } from './common/validate';
import { CLI_STYLE, detectStyle, findJsonSyntaxError, jsonEqual, lineColumn, stringifyJson } from './cli-config-json';
import { RoleTrayError, notFound } from './errors';

/** A profile as found in the file: a string `name` plus any fields, in file order. */
export interface CliProfile {
  name: string;
  [field: string]: unknown;
}

/**
 * The parsed file. Unknown top-level keys are kept in file order. `profiles` is always an array
 * (parseCliConfig adds an empty one where the CLI would put it when the file has none).
 */
export interface CliConfigDoc {
  current?: string;
  profiles: CliProfile[];
  meta_path?: string;
  [key: string]: unknown;
}

/** What RoleTray writes for a role, in this key order (the CLI's struct order). */
export interface ManagedProfile {
  name: string;
  mode: 'StsToken';
  access_key_id: string;
  access_key_secret: string;
  sts_token: string;
  /** Unix seconds. */
  sts_expiration: number;
  region_id: string;
  output_format: 'json';
  /** Kept from the existing profile when it has one; else this value, else 'en'. */
  language: string;
}

export type ConfigChange =
  /** Create or replace a managed profile. An existing profile that is not managed is a clash: left alone, reported. */
  | { kind: 'upsert'; profile: ManagedProfile }
  /** Remove a managed profile; if `current` named it, set `current` to restoreCurrent when that profile exists, else the first remaining profile, else "default". */
  | { kind: 'remove'; name: string; restoreCurrent?: string | undefined }
  /** Set `current` (the profile must exist); nothing else changes. */
  | { kind: 'switch'; name: string };

export interface ApplyResult {
  /** The document differs from the file: it must be written. */
  changed: boolean;
  /** `current` as found before the changes (undefined when the key is missing). */
  previousCurrent: string | undefined;
  /** Names of upserts/removes skipped because the profile exists and RoleTray does not manage it. */
  clashes: string[];
}

/** The document of a missing file: what the CLI assumes in memory, minus its empty "default" profile. */
export function emptyCliConfig(): CliConfigDoc {
  return { current: 'default', profiles: [], meta_path: '' };
}

const ProfileShape = z.looseObject({ name: z.string() });
// The CLI always writes strings and an array here; null only comes from a hand edit, and is refused.
const DocShape = z.looseObject({
  current: z.string().optional(),
  profiles: z.array(ProfileShape).optional(),
  meta_path: z.string().optional(),
});

const ManagedProfileShape = z.object({
  name: z.string(),
  mode: z.literal('StsToken'),
  access_key_id: z.string().min(1),
  access_key_secret: z.string().min(1),
  sts_token: z.string().min(1),
  sts_expiration: z.number().int().nonnegative(),
  // The CLI refuses an empty region and anything outside this alphabet.
  region_id: z.string().regex(/^[a-zA-Z0-9-]+$/),
  output_format: z.literal('json'),
  language: z.string(),
});

const MANAGED_KEYS: ReadonlySet<string> = new Set(Object.keys(ManagedProfileShape.shape));

function untouched(what: string, hint: string): RoleTrayError {
  // Retryable: the file may be mid-write by a program that does not write atomically, or the
  // user may fix it; the next attempt re-reads it.
  return new RoleTrayError('config-file', `${what}; RoleTray left it untouched`, { hint, retryable: true });
}

/** Remove a UTF-8 byte order mark (editors add one; Go's and JS's JSON parsers both reject it). */
export function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/**
 * Parse the text of the CLI config and check its shape.
 *
 * Throws RoleTrayError('config-file') naming `path`, and for a syntax error the line and column,
 * when the text is empty, is not JSON, or is not `{current?: string, profiles?: [{name: string}],
 * meta_path?: string}`. The message never quotes the file (it holds secrets). A leading BOM is
 * accepted. The returned document is JSON.parse's value itself: key order is the file's.
 */
export function parseCliConfig(text: string, path: string): CliConfigDoc {
  const body = stripBom(text);
  if (body.trim() === '') {
    throw untouched(
      `the aliyun CLI config ${path} is empty`,
      'if no program is writing it right now, delete it (RoleTray then creates it) or run "aliyun configure"',
    );
  }
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    const at = findJsonSyntaxError(body) ?? { offset: 0, reason: 'invalid JSON', ...lineColumn(body, 0) };
    throw untouched(
      `${path}:${at.line}:${at.column}: the aliyun CLI config is not valid JSON (line ${at.line}, column ${at.column}: ${at.reason})`,
      `fix the file by hand (or move it away and run "aliyun configure"), then try again`,
    );
  }
  const checked = DocShape.safeParse(value);
  if (!checked.success) {
    const issue = checked.error.issues[0];
    const where = issue ? formatIssuePath(issue.path) : '';
    throw untouched(
      `the aliyun CLI config ${path} has an unexpected shape (${where ? `${where}: ` : ''}${issue?.message ?? 'invalid'})`,
      'the file must be an object like {"current": "...", "profiles": [{"name": "...", ...}], "meta_path": ""}; fix it by hand or run "aliyun configure"',
    );
  }
  const doc = value as CliConfigDoc;
  if (!Array.isArray(doc.profiles)) setTopLevelKey(doc, 'profiles', []);
  return doc;
}

function formatIssuePath(path: readonly PropertyKey[]): string {
  return path.map((p, k) => (typeof p === 'number' ? `[${p}]` : `${k > 0 ? '.' : ''}${String(p)}`)).join('');
}

/**
 * Serialize a document, keeping the layout of `originalText` (indent, line ends, final newline,
 * Go-style escapes) so that the untouched parts keep their bytes. Without an original (new file)
 * the output is exactly the CLI's: tab indent, no trailing newline. A BOM is not written back.
 */
export function serializeCliConfig(doc: CliConfigDoc, originalText?: string): string {
  const style = originalText === undefined ? CLI_STYLE : detectStyle(stripBom(originalText));
  return stringifyJson(doc, style);
}

/**
 * Apply changes to a parsed document, in order, mutating it in place.
 *
 * `managed` holds the profile names RoleTray owns (from its catalog; never tagged in the file).
 * An upsert or remove that meets an existing profile not in `managed` is skipped and reported in
 * `clashes` (never thrown: the caller decides, per role, what a clash means). An upsert of a name
 * that does not exist yet creates it. A switch to a missing profile throws 'not-found'; a switch
 * to a name whose upsert clashed in the same call is skipped. Throws before changing anything for
 * an invalid managed profile ('invalid-input'); when a later change throws, earlier ones have been
 * applied to `doc`, so a caller that writes must discard it (CliConfigFile does).
 */
export function applyChanges(doc: CliConfigDoc, changes: readonly ConfigChange[], managed: ReadonlySet<string>): ApplyResult {
  const applier = new ChangeApplier(doc, managed);
  for (const change of changes) applier.apply(change);
  return applier.result();
}

/**
 * Applies changes one at a time; each `apply` either throws without touching the document or
 * applies the change. The coalescing writer uses it to fail one caller's change without
 * failing the rest of the batch.
 */
export class ChangeApplier {
  readonly #doc: CliConfigDoc;
  readonly #managed: ReadonlySet<string>;
  readonly #previousCurrent: string | undefined;
  readonly #clashes = new Set<string>();
  #changed = false;

  constructor(doc: CliConfigDoc, managed: ReadonlySet<string>) {
    this.#doc = doc;
    this.#managed = managed;
    this.#previousCurrent = doc.current;
  }

  apply(change: ConfigChange): void {
    switch (change.kind) {
      case 'upsert':
        return this.#upsert(change.profile);
      case 'remove':
        return this.#remove(change.name, change.restoreCurrent);
      case 'switch':
        return this.#switch(change.name);
      default: {
        const never: never = change;
        throw new RoleTrayError('invalid-input', `unknown CLI config change ${JSON.stringify((never as { kind?: unknown }).kind)}`);
      }
    }
  }

  result(): ApplyResult {
    return { changed: this.#changed, previousCurrent: this.#previousCurrent, clashes: [...this.#clashes] };
  }

  #upsert(profile: ManagedProfile): void {
    checkManagedProfile(profile);
    const profiles = this.#doc.profiles;
    const idx = profiles.findIndex((p) => p.name === profile.name);
    const existing = profiles[idx];
    if (existing !== undefined && !this.#managed.has(profile.name)) {
      this.#clashes.add(profile.name);
      return;
    }
    const next = managedProfileObject(profile, existing);
    if (existing === undefined) {
      profiles.push(next);
      this.#changed = true;
      return;
    }
    if (!jsonEqual(existing, next)) {
      profiles[idx] = next;
      this.#changed = true;
    }
    // Later duplicates of a managed name are stale copies of ours.
    for (let k = profiles.length - 1; k > idx; k--) {
      if (profiles[k]?.name === profile.name) {
        profiles.splice(k, 1);
        this.#changed = true;
      }
    }
  }

  #remove(name: string, restoreCurrent: string | undefined): void {
    const profiles = this.#doc.profiles;
    const present = profiles.some((p) => p.name === name);
    if (!this.#managed.has(name)) {
      if (present) this.#clashes.add(name);
      return;
    }
    for (let k = profiles.length - 1; k >= 0; k--) {
      if (profiles[k]?.name === name) {
        profiles.splice(k, 1);
        this.#changed = true;
      }
    }
    if (this.#doc.current === name) {
      const restore = restoreCurrent !== undefined && restoreCurrent !== name && profiles.some((p) => p.name === restoreCurrent);
      // Like `aliyun configure delete`: the first remaining profile, or "default".
      this.#doc.current = restore ? restoreCurrent : (profiles[0]?.name ?? 'default');
      this.#changed = true;
    }
  }

  #switch(name: string): void {
    if (this.#clashes.has(name)) return; // the profile of that name is not ours: never point `current` at it by accident
    if (!this.#doc.profiles.some((p) => p.name === name)) {
      throw notFound(`profile "${name}" does not exist in the aliyun CLI config`, 'assume the role first (it writes the profile), then switch');
    }
    if (this.#doc.current === name) return;
    setTopLevelKey(this.#doc, 'current', name);
    this.#changed = true;
  }
}

function checkManagedProfile(profile: ManagedProfile): void {
  const nameProblem = typeof profile.name === 'string' ? checkProfileName(profile.name) : 'profile name must be a string';
  if (nameProblem) throw new RoleTrayError('invalid-input', nameProblem);
  const checked = ManagedProfileShape.safeParse(profile);
  if (!checked.success) {
    // Field names only: the values may be secrets.
    const fields = [...new Set(checked.error.issues.map((i) => formatIssuePath(i.path)))].join(', ');
    throw new RoleTrayError('invalid-input', `managed profile "${profile.name}" has invalid fields: ${fields}`);
  }
}

/** RoleTray's fields in the contract's order, then any other field the user added to the existing profile. */
function managedProfileObject(p: ManagedProfile, existing: CliProfile | undefined): CliProfile {
  const kept = existing?.['language'];
  const entries: [string, unknown][] = [
    ['name', p.name],
    ['mode', p.mode],
    ['access_key_id', p.access_key_id],
    ['access_key_secret', p.access_key_secret],
    ['sts_token', p.sts_token],
    ['sts_expiration', p.sts_expiration],
    ['region_id', p.region_id],
    ['output_format', p.output_format],
    ['language', typeof kept === 'string' && kept !== '' ? kept : p.language || 'en'],
  ];
  if (existing) {
    for (const [k, v] of Object.entries(existing)) if (!MANAGED_KEYS.has(k)) entries.push([k, v]);
  }
  // fromEntries defines own properties, so a user key such as "__proto__" stays a plain key.
  return Object.fromEntries(entries) as CliProfile;
}

/** The CLI's top-level order; a key RoleTray must add goes where the CLI would put it. */
const TOP_LEVEL_ORDER = ['current', 'profiles', 'meta_path'] as const;

/** Set a top-level key, keeping the document's key order (a new key goes to its CLI position). */
function setTopLevelKey(doc: CliConfigDoc, key: (typeof TOP_LEVEL_ORDER)[number], value: unknown): void {
  if (Object.hasOwn(doc, key)) {
    (doc as Record<string, unknown>)[key] = value;
    return;
  }
  const entries = Object.entries(doc);
  const before = new Set<string>(TOP_LEVEL_ORDER.slice(0, TOP_LEVEL_ORDER.indexOf(key)));
  let at = 0;
  entries.forEach(([k], idx) => {
    if (before.has(k)) at = idx + 1;
  });
  entries.splice(at, 0, [key, value]);
  for (const k of Object.keys(doc)) delete doc[k];
  for (const [k, v] of entries) Object.defineProperty(doc, k, { value: v, enumerable: true, writable: true, configurable: true });
}
