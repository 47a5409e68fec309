/**
 * The alternative to RoleTray, reproduced: what the aliyun CLI does for a profile in RamRoleArn
 * mode on every command — start, load the long-lived AccessKey, call sts:AssumeRole through the
 * official @alicloud/sts20150401 client, then use the fresh STS credentials. One process per
 * command, like the CLI. The key comes from the environment (never argv); the endpoint and role
 * from argv. Prints the credentials JSON the way credential-process does.
 */
import { officialSts } from '../lib/official-sts';

const [port, roleArn] = process.argv.slice(2);
const accessKeyId = process.env['ALIBABA_CLOUD_ACCESS_KEY_ID'] ?? '';
const accessKeySecret = process.env['ALIBABA_CLOUD_ACCESS_KEY_SECRET'] ?? '';
const { client, AssumeRoleRequest } = await officialSts({ accessKeyId, accessKeySecret, port: Number(port) });
const res = await client().assumeRole(new AssumeRoleRequest({ roleArn: roleArn ?? '', roleSessionName: 'aliyun-cli', durationSeconds: 900 }));
const c = res.body?.credentials;
if (!c?.accessKeyId) process.exit(1);
process.stdout.write(`${JSON.stringify({ mode: 'StsToken', access_key_id: c.accessKeyId, access_key_secret: c.accessKeySecret, sts_token: c.securityToken, expiration: c.expiration })}\n`);
