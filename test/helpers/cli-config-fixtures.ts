/**
 * Fixtures for the CLI config tests: obviously fake credentials and config files written the way
 * the aliyun CLI (tab indent, Go escapes, no final newline) and @alicloud/credentials (4 spaces) do.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { ManagedProfile } from '../../main/core/cli-config';

/** A managed StsToken profile; `n` varies every credential field so versions can be told apart. */
export function stsProfile(name: string, n = 1, over: Partial<ManagedProfile> = {}): ManagedProfile {
  return {
    name,
    mode: 'StsToken',
    access_key_id: `STS.FAKEID${n}`,
    access_key_secret: `fake-secret-${name}-${n}`,
    sts_token: `fake-token-${name}-${n}`,
    sts_expiration: 1_900_000_000 + n,
    region_id: 'cn-hangzhou',
    output_format: 'json',
    language: 'en',
    ...over,
  };
}

/** The document of a user's config: two foreign profiles (one with a field RoleTray does not know). */
export function userDoc(): Record<string, unknown> {
  return {
    current: 'default',
    profiles: [
      {
        name: 'default',
        mode: 'AK',
        access_key_id: 'FAKEAKID0000',
        access_key_secret: 'fake-user-secret',
        region_id: 'cn-shanghai',
        output_format: 'json',
        language: 'zh',
        site: 'china',
      },
      {
        name: 'sso',
        mode: 'CredentialsURI',
        credentials_uri: 'http://127.0.0.1:9/creds?a=1&b=<2>',
        region_id: 'eu-central-1',
        output_format: 'json',
        language: 'en',
        x_custom_field: { nested: [1, 2, { deep: true }] },
      },
    ],
    x_unknown_top: { keep: 'me' },
    meta_path: '',
  };
}

/** What the aliyun CLI writes: json.MarshalIndent(v, "", "\t") with Go's HTML escapes, no final newline. */
export function cliText(doc: unknown): string {
  return JSON.stringify(doc, null, '\t').replace(/[<>&]/g, (c) => `\\u00${c.charCodeAt(0).toString(16)}`);
}

/** What @alicloud/credentials writes back: JSON.stringify(conf, null, 4). */
export function nodeSdkText(doc: unknown): string {
  return JSON.stringify(doc, null, 4);
}

export function tempDir(prefix = 'roletray-cli-config-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export function modeOf(p: string): number {
  return fs.statSync(p).mode & 0o777;
}
