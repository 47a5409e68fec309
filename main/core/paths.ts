/**
 * Where RoleTray's files live (DESIGN.md "Where things live"). The CLI computes the same
 * paths as Electron's userData, so both share one catalog.
 */
import os from 'node:os';
import path from 'node:path';

export interface Paths {
  dataDir: string;
  catalogFile: string;
  logDir: string;
  cliConfigFile: string;
  keychainService: string;
}

export function resolvePaths(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): Paths {
  const home = env['HOME'] ?? os.homedir();
  const dataDir = env['ROLETRAY_HOME'] ?? defaultDataDir(home, env, platform);
  return {
    dataDir,
    catalogFile: path.join(dataDir, 'catalog.json'),
    logDir: path.join(dataDir, 'logs'),
    cliConfigFile: env['ROLETRAY_CLI_CONFIG'] ?? path.join(home, '.aliyun', 'config.json'),
    keychainService: env['ROLETRAY_KEYCHAIN_SERVICE'] ?? 'roletray',
  };
}

function defaultDataDir(home: string, env: NodeJS.ProcessEnv, platform: NodeJS.Platform): string {
  if (platform === 'darwin') return path.join(home, 'Library', 'Application Support', 'RoleTray');
  if (platform === 'win32') return path.join(env['APPDATA'] ?? path.join(home, 'AppData', 'Roaming'), 'RoleTray');
  return path.join(env['XDG_CONFIG_HOME'] ?? path.join(home, '.config'), 'RoleTray');
}

/** STS endpoint for an identity: override env, explicit endpoint, else the regional endpoint. */
export function stsEndpointFor(identity: { region: string; stsEndpoint?: string | undefined }, env: NodeJS.ProcessEnv = process.env): string {
  const override = env['ROLETRAY_STS_ENDPOINT'];
  if (override) return override;
  if (identity.stsEndpoint) return identity.stsEndpoint;
  return `https://sts.${identity.region}.aliyuncs.com`;
}
