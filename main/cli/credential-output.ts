/**
 * The stdout JSON of `roletray credential-process` (aliyun CLI "External" mode and the SDKs'
 * external provider, STS-REFERENCE section 6.4 and 7.2). Shared by the fast and the full path.
 */
import type { SessionCredentials } from '../core/common/model';

/** `YYYY-MM-DDTHH:MM:SSZ`: the form STS uses and every credentials parser accepts. */
export function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function credentialProcessJson(creds: SessionCredentials): string {
  return `${JSON.stringify({
    mode: 'StsToken',
    access_key_id: creds.accessKeyId,
    access_key_secret: creds.accessKeySecret,
    sts_token: creds.securityToken,
    expiration: isoSeconds(creds.expiresAt),
    sts_expiration: Math.floor(creds.expiresAt / 1000),
  })}\n`;
}
