/**
 * Environment variables for an STS session, in the shell syntax asked for. These are the names
 * the aliyun CLI and the SDKs read (STS-REFERENCE §6.6, §7.1).
 */
import type { SessionCredentials } from './common/model';

export type ShellKind = 'posix' | 'fish' | 'powershell';

export function sessionEnv(creds: SessionCredentials, region: string): Record<string, string> {
  return {
    ALIBABA_CLOUD_ACCESS_KEY_ID: creds.accessKeyId,
    ALIBABA_CLOUD_ACCESS_KEY_SECRET: creds.accessKeySecret,
    ALIBABA_CLOUD_SECURITY_TOKEN: creds.securityToken,
    ALIBABA_CLOUD_REGION_ID: region,
    // The aliyun CLI prefers a profile's stored keys over the environment: make it ignore the file.
    ALIBABA_CLOUD_IGNORE_PROFILE: 'TRUE',
  };
}

function quote(value: string, shell: ShellKind): string {
  if (shell === 'powershell') return `'${value.replace(/'/g, "''")}'`;
  if (shell === 'fish') return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

export function envExports(creds: SessionCredentials, region: string, shell: ShellKind): string {
  const lines = Object.entries(sessionEnv(creds, region)).map(([k, v]) => {
    if (shell === 'fish') return `set -gx ${k} ${quote(v, shell)};`;
    if (shell === 'powershell') return `$Env:${k} = ${quote(v, shell)}`;
    return `export ${k}=${quote(v, shell)}`;
  });
  return `${lines.join('\n')}\n`;
}
