/**
 * The official @alicloud/sts20150401 client pointed at a loopback sandbox, as the aliyun CLI and
 * SDK users would call STS. Loaded through dynamic import: the packages are CommonJS, bundled
 * benchmarks are ESM.
 */
import type * as StsNs from '@alicloud/sts20150401';

type StsModule = typeof StsNs;

function interop<T>(m: unknown): T {
  const d = (m as { default?: unknown }).default;
  return ((d as { default?: unknown } | undefined)?.default ?? d ?? m) as T;
}

export async function officialSts(opts: { accessKeyId: string; accessKeySecret: string; port: number }): Promise<{
  client: () => InstanceType<StsModule['default']>;
  AssumeRoleRequest: StsModule['AssumeRoleRequest'];
}> {
  const stsMod = (await import('@alicloud/sts20150401')) as unknown as Record<string, unknown>;
  const core = (await import('@alicloud/openapi-core')) as unknown as { $OpenApiUtil: { Config: new (c: Record<string, unknown>) => unknown } };
  const Client = interop<new (c: unknown) => InstanceType<StsModule['default']>>(stsMod);
  const models = (stsMod['AssumeRoleRequest'] ? stsMod : (stsMod['default'] as Record<string, unknown>)) as unknown as StsModule;
  const config = () =>
    new core.$OpenApiUtil.Config({ accessKeyId: opts.accessKeyId, accessKeySecret: opts.accessKeySecret, endpoint: `127.0.0.1:${opts.port}`, protocol: 'http', regionId: 'cn-hangzhou' });
  return { client: () => new Client(config()), AssumeRoleRequest: models.AssumeRoleRequest };
}
