/**
 * STS error codes -> one-line human explanation, what to do, and whether retrying can help.
 */
import { RoleTrayError } from './errors';

interface Explanation {
  message: string;
  hint: string;
  retryable: boolean;
}

const TABLE: Record<string, Explanation> = {
  NoPermission: {
    message: 'STS refused: the role does not trust this caller, or the caller lacks sts:AssumeRole (role revoked or trust removed)',
    hint: "ask the role's owner to add your account/user to its trust policy, grant AliyunSTSAssumeRoleAccess, or remove the role",
    retryable: false,
  },
  'EntityNotExist.Role': { message: 'the role does not exist', hint: 'check the ARN; the role may have been deleted (roletray role remove <role>)', retryable: false },
  'InvalidAccessKeyId.NotFound': {
    message: 'the AccessKey ID is not known to Alibaba Cloud (deleted, or wrong site/ID)',
    hint: 'create a new AccessKey for the RAM user and run: roletray identity add <name> --access-key-id <id>',
    retryable: false,
  },
  'InvalidAccessKeyId.Inactive': { message: 'the AccessKey is disabled', hint: 'enable it in the RAM console or add a new key', retryable: false },
  SignatureDoesNotMatch: {
    message: 'the AccessKey secret is wrong (STS could not verify the signature)',
    hint: 'add the identity again with the correct secret',
    retryable: false,
  },
  IncompleteSignature: { message: 'STS rejected the request signature', hint: 'check the AccessKey secret; if it persists, report a RoleTray bug', retryable: false },
  'InvalidTimeStamp.Expired': {
    message: "STS rejected the request time: this computer's clock is off by more than 15 minutes",
    hint: 'sync the system clock (NTP) and try again',
    retryable: false,
  },
  SignatureNonceUsed: { message: 'STS saw this request nonce already', hint: 'try again', retryable: true },
  MissingSecurityToken: { message: 'the source STS session has no security token', hint: 'refresh the source role first', retryable: false },
  'InvalidSecurityToken.Expired': { message: 'the source STS session has expired', hint: 'refresh the source role, then try again', retryable: false },
  'InvalidSecurityToken.Malformed': { message: 'the source STS session token is malformed', hint: 'stop and assume the source role again', retryable: false },
  'InvalidSecurityToken.MismatchWithAccessKey': { message: 'the source STS session token does not match its key', hint: 'stop and assume the source role again', retryable: false },
  'InvalidParameter.RoleArn': { message: 'STS says the role ARN is wrongly formed', hint: 'use acs:ram::<account ID>:role/<role name>', retryable: false },
  InvalidParameter: { message: 'STS rejected a parameter', hint: 'check the role ARN, session name and duration', retryable: false },
  'InvalidParameter.RoleSessionName': { message: 'STS rejected the session name', hint: 'use 2-64 characters from A-Z a-z 0-9 . @ _ -', retryable: false },
  'InvalidParameter.DurationSeconds': {
    message: "the requested duration is above the role's maximum session duration",
    hint: "lower the role's duration (roletray role add ... --duration <s>) or raise MaxSessionDuration on the role",
    retryable: false,
  },
  'InvalidParameter.ExternalId': { message: 'STS rejected the ExternalId', hint: 'use the ExternalId the role owner gave you', retryable: false },
  'InvalidParameter.PolicyGrammar': { message: 'the session policy is not valid policy grammar', hint: 'fix the policy JSON', retryable: false },
  'InvalidParameter.PolicySize': { message: 'the session policy is too large', hint: 'keep it under 2048 bytes', retryable: false },
  'Throttling.User': { message: 'STS is throttling this account', hint: 'RoleTray retries with backoff; wait a moment', retryable: true },
  'Throttling.Api': { message: 'STS is throttling this API', hint: 'RoleTray retries with backoff; wait a moment', retryable: true },
  Throttling: { message: 'STS is throttling requests', hint: 'RoleTray retries with backoff; wait a moment', retryable: true },
  InternalError: { message: 'STS had an internal error', hint: 'RoleTray retries; if it persists, try another STS endpoint', retryable: true },
  ServiceUnavailable: { message: 'STS is temporarily unavailable', hint: 'RoleTray retries with backoff', retryable: true },
};

/** Build the typed error for an STS error answer. */
export function stsError(code: string, opts: { requestId?: string | undefined; httpStatus?: number | undefined; context?: string | undefined }): RoleTrayError {
  const exp = TABLE[code] ?? (code.startsWith('Throttling') ? TABLE['Throttling'] : undefined);
  const serverSide = (opts.httpStatus ?? 0) >= 500;
  const e = exp ?? {
    message: `STS answered ${code}`,
    hint: serverSide ? 'RoleTray retries; if it persists, check the STS endpoint' : 'check the identity and role settings',
    retryable: serverSide,
  };
  const prefix = opts.context ? `${opts.context}: ` : '';
  return new RoleTrayError('sts', `${prefix}${e.message}`, {
    hint: e.hint,
    retryable: e.retryable || serverSide,
    stsCode: code,
    requestId: opts.requestId && opts.requestId !== 'undefined' ? opts.requestId : undefined,
    httpStatus: opts.httpStatus,
  });
}

export function networkError(what: string, cause: unknown, endpoint: string): RoleTrayError {
  const detail = cause instanceof Error ? (cause as NodeJS.ErrnoException).code ?? cause.name : 'error';
  return new RoleTrayError('network', `${what}: STS at ${endpoint} could not be reached or answered badly (${detail})`, {
    hint: 'check your network or the STS endpoint; RoleTray retries with backoff',
    retryable: true,
    cause,
  });
}

export function isPermanent(e: RoleTrayError): boolean {
  return !e.retryable;
}
