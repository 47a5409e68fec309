/**
 * STS error answers of the sandbox: code, HTTP status and message, as listed in
 * shared/STS-REFERENCE.md section 1.3. Codes marked "sandbox" in README.md are the sandbox's own
 * choice where the real code is not documented.
 */

export const NO_PERMISSION_MESSAGE = 'You are not authorized to do this action. You should be authorized by RAM.';
export const DURATION_MESSAGE = 'The Min/Max value of DurationSeconds is 15min/1hr.';
export const V2_SIGNATURE_PREFIX = 'Specified signature is not matched with our calculation. server string to sign is:';
export const V3_SIGNATURE_MESSAGE = 'Specified signature does not match our calculation.';
export const INTERNAL_ERROR_MESSAGE = 'STS Server Internal Error happened, please send the RequestId to us.';
export const HOST_ID = 'sts.aliyuncs.com';

/** An error answer before it gets its RequestId. */
export class StsFault {
  readonly status: number;
  readonly code: string;
  readonly message: string;
  readonly extra: Record<string, unknown> | undefined;

  constructor(status: number, code: string, message: string, extra?: Record<string, unknown>) {
    this.status = status;
    this.code = code;
    this.message = message;
    this.extra = extra;
  }
}

/** The JSON body of an error answer (section 1.3 shape). */
export function errorBody(fault: StsFault, requestId: string): Record<string, unknown> {
  return {
    RequestId: requestId,
    HostId: HOST_ID,
    Code: fault.code,
    Message: fault.message,
    Recommend: `https://api.aliyun.com/troubleshoot?q=${encodeURIComponent(fault.code)}&product=Sts&requestId=${requestId}`,
    ...fault.extra,
  };
}

const bad = (code: string, message: string): StsFault => new StsFault(400, code, message);

export const Faults = {
  missingParameter: (name: string) =>
    bad('MissingParameter', `The input parameter "${name}" that is mandatory for processing this request is not supplied.`),
  incompleteSignature: (detail?: string) =>
    bad('IncompleteSignature', `The request signature does not conform to Aliyun standards.${detail ? ` ${detail}` : ''}`),
  invalidVersion: () => bad('InvalidVersion', 'Specified parameter Version is not valid.'),
  invalidAction: () => bad('InvalidAction.NotFound', 'Specified api is not found, please check your url and method.'),
  badEncoding: () => bad('InvalidParameter', 'The request contains malformed percent-encoding.'),
  contentType: () =>
    bad('InvalidParameter.ContentType', 'The ContentType request header must be either "application/json" or "application/x-www-form-urlencoded".'),
  keyNotFound: () => new StsFault(404, 'InvalidAccessKeyId.NotFound', 'Specified access key is not found.'),
  keyInactive: () => bad('InvalidAccessKeyId.Inactive', 'Specified access key is disabled.'),
  timestampFormat: () => bad('InvalidTimeStamp.Format', 'Specified time stamp or date value is not well formatted.'),
  timestampExpired: () => bad('InvalidTimeStamp.Expired', 'Specified time stamp or date value is expired.'),
  nonceUsed: () => bad('SignatureNonceUsed', 'Specified signature nonce was used already.'),
  signatureV2: (serverStringToSign: string) => bad('SignatureDoesNotMatch', `${V2_SIGNATURE_PREFIX}${serverStringToSign}`),
  signatureV3: (suffix: string) => bad('SignatureDoesNotMatch', `${V3_SIGNATURE_MESSAGE}${suffix}`),
  missingToken: () => bad('MissingSecurityToken', 'SecurityToken is mandatory for this action.'),
  tokenExpired: () => bad('InvalidSecurityToken.Expired', 'Specified SecurityToken is expired.'),
  tokenMalformed: () => bad('InvalidSecurityToken.Malformed', 'Specified SecurityToken is malformed.'),
  tokenMismatch: () => bad('InvalidSecurityToken.MismatchWithAccessKey', 'Specified SecurityToken mismatch with the AccessKey.'),
  throttled: () => bad('Throttling.User', 'Request was denied due to user flow control.'),
  roleArn: () => bad('InvalidParameter.RoleArn', 'The parameter RoleArn is wrongly formed.'),
  sessionName: () => bad('InvalidParameter.RoleSessionName', 'The parameter RoleSessionName is wrongly formed.'),
  duration: () => bad('InvalidParameter.DurationSeconds', DURATION_MESSAGE),
  externalId: () => bad('InvalidParameter.ExternalId', 'The parameter ExternalId is wrongly formed.'),
  sourceIdentity: () => bad('InvalidParameter.SourceIdentity', 'The parameter SourceIdentity is wrongly formed.'),
  policyGrammar: () => bad('InvalidParameter.PolicyGrammar', 'The parameter Policy has not passed grammar check.'),
  policySize: () => bad('InvalidParameter.PolicySize', 'The size of Policy must be smaller than 2048 bytes.'),
  roleNotFound: () => new StsFault(404, 'EntityNotExist.Role', 'The specified Role not exists .'),
  noPermission: (detail?: Record<string, unknown>) =>
    new StsFault(403, 'NoPermission', NO_PERMISSION_MESSAGE, detail ? { AccessDeniedDetail: detail } : undefined),
  internal: () => new StsFault(500, 'InternalError', INTERNAL_ERROR_MESSAGE),
  unavailable: () => new StsFault(503, 'ServiceUnavailable', 'The request has failed due to a temporary failure of the server.'),
  methodNotAllowed: () => new StsFault(405, 'UnsupportedHTTPMethod', 'This http method is not supported.'),
  bodyTooLarge: () => new StsFault(413, 'InvalidParameter.BodySize', 'The request body is too large.'),
  notFound: () => new StsFault(404, 'InvalidAction.NotFound', 'Specified api is not found, please check your url and method.'),
} as const;
