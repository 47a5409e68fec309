/**
 * `roletray doctor`: is the keychain usable, is the aliyun CLI config valid and private (0600),
 * and are long-lived secrets left in plaintext (AK profiles in the config, ALIBABA_CLOUD_ACCESS_KEY_*
 * in the environment)? Each finding comes with the command that fixes it; exit 1 if any problem.
 */
import { randomBytes } from 'node:crypto';
import { stat } from 'node:fs/promises';
import type { Catalog } from '../../core/common/model';
import { asRoleTrayError } from '../../core/errors';
import type { CliContext } from '../context';
import { shellArg } from '../format';
import { isAkProfile } from './import-cli';

interface Finding {
  check: string;
  ok: boolean;
  message: string;
  fix?: string;
}

const ENV_PREFIXES = ['ALIBABA_CLOUD_', 'ALIBABACLOUD_', 'ALICLOUD_', ''] as const;

export async function doctor(ctx: CliContext): Promise<number> {
  const core = ctx.core();
  const m = core.manager;
  const findings: Finding[] = [];
  const ok = (check: string, message: string): void => void findings.push({ check, ok: true, message });
  const problem = (check: string, message: string, fix: string): void => void findings.push({ check, ok: false, message, fix });

  // -- catalog
  let cat: Catalog | null = null;
  try {
    cat = await m.catalog();
    ok('catalog', `catalog ${m.catalogStore.file}: ${cat.identities.length} identities, ${cat.roles.length} roles`);
  } catch (e) {
    const err = asRoleTrayError(e);
    problem('catalog', err.message, err.hint);
  }

  // -- keychain: a real write, read and delete under our service
  let keychainOk = false;
  const probe = `doctor-probe:${randomBytes(6).toString('hex')}`;
  try {
    const value = randomBytes(12).toString('hex');
    await m.secrets.set(probe, value);
    const back = await m.secrets.get(probe);
    await m.secrets.delete(probe);
    if (back !== value) throw new Error('the value read back differs from the value written');
    keychainOk = true;
    ok('keychain', `the OS keychain works (service "${core.paths.keychainService}")`);
  } catch (e) {
    const err = asRoleTrayError(e);
    problem('keychain', err.message, err.hint || 'unlock the OS keychain and try again');
  }

  // -- identities: each key where it should be
  if (cat && keychainOk) {
    for (const i of cat.identities) {
      if (i.placeholder) {
        problem('identity', `identity ${i.name} was imported from a shared catalogue and has no key yet`, `roletray identity add ${i.name} --access-key-id <your AccessKey ID> --site ${i.site} --region ${i.region}`);
      } else if ((await m.secrets.get(i.name).catch(() => null)) === null) {
        problem('identity', `the keychain has no secret for identity ${i.name}`, `roletray identity add ${i.name} --access-key-id ${i.accessKeyId} --replace`);
      }
    }
    if (cat.identities.length > 0 && findings.every((f) => f.check !== 'identity')) ok('identity', `all ${cat.identities.length} identities have their secret in the keychain`);
  }

  // -- the aliyun CLI config
  const cfgPath = core.cliConfig.path;
  const managed = new Set(cat?.managedProfiles ?? []);
  try {
    const { doc, exists } = await core.cliConfig.read();
    if (!exists) {
      ok('cli-config', `no aliyun CLI config at ${cfgPath} yet (RoleTray creates it with mode 0600)`);
    } else {
      ok('cli-config', `aliyun CLI config ${cfgPath} is valid JSON`);
      if (process.platform !== 'win32') {
        const mode = (await stat(cfgPath)).mode & 0o777;
        if ((mode & 0o077) !== 0) problem('cli-config-mode', `${cfgPath} has mode 0${mode.toString(8)}: other users can read the credentials in it`, `chmod 600 ${shellArg(cfgPath)}`);
        else ok('cli-config-mode', `${cfgPath} has mode 0${mode.toString(8)}`);
      }
      let plaintext = 0;
      for (const p of doc.profiles ?? []) {
        if (managed.has(p.name)) continue;
        if (isAkProfile(p)) {
          plaintext++;
          problem('plaintext-key', `profile ${p.name} in ${cfgPath} holds a long-lived AccessKey secret in plaintext`, 'roletray import-cli --scrub');
        } else if (typeof p['access_key_secret'] === 'string' && p['access_key_secret'] !== '' && p['mode'] !== 'StsToken' && !p['sts_token']) {
          plaintext++;
          problem(
            'plaintext-key',
            `profile ${p.name} (mode ${String(p['mode'] ?? '?')}) in ${cfgPath} holds a long-lived AccessKey secret in plaintext`,
            `roletray identity add <name> --access-key-id ${String(p['access_key_id'] ?? '<id>')} and roletray role add ..., then: aliyun configure delete --profile ${shellArg(p.name)}`,
          );
        }
      }
      if (plaintext === 0) ok('plaintext-key', `no long-lived AccessKey secret in ${cfgPath}`);
    }
  } catch (e) {
    const err = asRoleTrayError(e);
    problem('cli-config', err.message, err.hint);
  }

  // -- long-lived keys in the environment
  let envFindings = 0;
  for (const prefix of ENV_PREFIXES) {
    const idVar = `${prefix}ACCESS_KEY_ID`;
    const secretVar = `${prefix}ACCESS_KEY_SECRET`;
    const id = ctx.env[idVar];
    const secret = ctx.env[secretVar];
    if (!secret && !id) continue;
    if (id?.startsWith('STS.')) continue; // short-lived
    if (!secret) continue;
    envFindings++;
    problem(
      'env',
      `the environment holds a long-lived AccessKey in ${idVar}/${secretVar}${id ? ` (${id})` : ''}`,
      `roletray identity add <name> --access-key-id ${id ?? '<id>'} (secret on stdin), then: unset ${idVar} ${secretVar} and remove them from your shell startup files`,
    );
  }
  if (envFindings === 0) ok('env', 'no long-lived AccessKey in the environment');
  if (ctx.env['ROLETRAY_STS_ENDPOINT']) ok('sts-endpoint', `every identity uses the STS endpoint ${ctx.env['ROLETRAY_STS_ENDPOINT']} (ROLETRAY_STS_ENDPOINT)`);

  const problems = findings.filter((f) => !f.ok);
  if (ctx.json) {
    ctx.printJson({ ok: problems.length === 0, findings });
  } else {
    for (const f of findings) {
      ctx.out(`${f.ok ? 'ok  ' : 'FAIL'}  ${f.message}\n`);
      if (f.fix) ctx.out(`      fix: ${f.fix}\n`);
    }
    ctx.out(problems.length === 0 ? 'no problems found\n' : `${problems.length} problem${problems.length === 1 ? '' : 's'} found\n`);
  }
  return problems.length === 0 ? 0 : 1;
}
