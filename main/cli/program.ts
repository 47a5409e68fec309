/**
 * The command table of `roletray` (commander): every command and flag of the contract in
 * shared/DESIGN.md ("Companion CLI `roletray`"), with help text. Each action loads only its own
 * module. Exit codes: 0 success, 1 the operation failed, 2 bad usage or invalid input.
 */
import type { Command as CommandType } from 'commander';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { asRoleTrayError, redact } from '../core/errors';
import type { CliContext } from './context';
import { createContext } from './context';

/** Exit code of a command module; undefined means 0. */
type Outcome = number | void;

const HELP_FOOTER = `
Exit codes: 0 success, 1 the operation failed (STS, keychain, file), 2 bad usage or invalid input.
Errors are one line on stderr: the cause (with the STS error code when there is one) and what to do.
No command prints a long-lived secret; only env, exec, credential-process and serve hand out STS credentials.

Environment:
  ROLETRAY_HOME              data directory (catalog, logs); default the tray app's
  ROLETRAY_CLI_CONFIG        aliyun CLI config to manage; default ~/.aliyun/config.json
  ROLETRAY_KEYCHAIN_SERVICE  keychain service name; default "roletray"
  ROLETRAY_STS_ENDPOINT      STS endpoint for every identity (e.g. the sandbox URL)
  ROLETRAY_DEBUG=1           print stack traces of unexpected errors`;

/** Parse argv (without node and script) and run the command; sets process.exitCode. */
export async function run(argv: string[]): Promise<void> {
  process.on('unhandledRejection', (e) => {
    process.exitCode = report(e);
  });
  const program = buildProgram();
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (e) {
    if (e instanceof CommanderError) {
      // help and version end with 0; every parse error is bad usage
      process.exitCode = e.exitCode === 0 ? 0 : 2;
      return;
    }
    process.exitCode = report(e);
  }
}

/** One line on stderr (never a stack unless ROLETRAY_DEBUG=1); returns the exit code. */
export function report(e: unknown): 1 | 2 {
  const err = asRoleTrayError(e);
  process.stderr.write(`roletray: ${redact(err.oneLine()).replace(/[\r\n]+/g, ' ')}\n`);
  if (process.env['ROLETRAY_DEBUG'] === '1') {
    const stack = (err.cause instanceof Error ? err.cause.stack : undefined) ?? err.stack ?? '';
    process.stderr.write(`${redact(stack)}\n`);
  }
  return err.exitCode;
}

function intArg(name: string, min: number, max: number) {
  return (value: string): number => {
    if (!/^\d+$/.test(value)) throw new InvalidArgumentError(`${name} must be a whole number`);
    const n = Number(value);
    if (n < min || n > max) throw new InvalidArgumentError(`${name} must be ${min}..${max}`);
    return n;
  };
}

/** Seconds: parsed here, range-checked by the core (so its message and exit code apply). */
function secondsArg(value: string): number {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError('must be a whole number of seconds');
  return Number(value);
}

/**
 * Wrap a command module: build the context from the global flags, run it, flush the CLI config
 * writer, map errors to one line and an exit code.
 */
function act<A extends unknown[]>(fn: (ctx: CliContext, ...args: A) => Promise<Outcome>) {
  return async (...raw: unknown[]): Promise<void> => {
    const cmd = raw[raw.length - 1] as CommandType;
    const args = raw.slice(0, -1) as A;
    const globals = cmd.optsWithGlobals<{ json?: boolean }>();
    const ctx = createContext({ json: globals.json === true });
    let code: number;
    try {
      code = (await fn(ctx, ...args)) ?? 0;
    } catch (e) {
      code = report(e);
    }
    if (ctx.coreStarted) await ctx.core().writer.flush();
    process.exitCode = code;
  };
}

export function buildProgram(): Command {
  const program = new Command('roletray');
  program
    .description('Assume Alibaba Cloud RAM roles through STS and keep short-lived StsToken profiles in the aliyun CLI config.')
    .option('--json', 'machine-readable output on stdout (identity list/add, role list, status, assume, switch, refresh, doctor, ...)')
    .showSuggestionAfterError(true)
    .configureHelp({ showGlobalOptions: true })
    .exitOverride()
    .addHelpText('after', HELP_FOOTER);

  // ------------------------------------------------------------------ identities
  const identity = program.command('identity').description("RAM users' AccessKeys (secret in the OS keychain, metadata in the catalog)");
  identity
    .command('add')
    .description('add an identity: store its AccessKey secret in the keychain and verify it with sts:GetCallerIdentity')
    .argument('<name>', 'name of the identity (also its keychain account)')
    .requiredOption('--access-key-id <id>', 'AccessKey ID of the RAM user')
    .addOption(new Option('--site <site>', 'Alibaba Cloud site (console sign-in host)').choices(['cn', 'intl']))
    .option('--region <region>', 'default region, e.g. cn-hangzhou (also picks the regional STS endpoint)')
    .option('--sts-endpoint <url>', 'explicit STS endpoint (https://..., plain http only for 127.0.0.1)')
    .option('--no-verify', 'do not call sts:GetCallerIdentity before saving')
    .option('--replace', 'replace the key of an existing identity (key rotation); the new key is verified first')
    .addHelpText(
      'after',
      `
The secret is read as one line from stdin when stdin is not a terminal, else from a prompt with
echo off. It is never taken from a flag, an argument or an environment variable.

Example:
  pass show alibaba/test_user1 | roletray identity add work --access-key-id <AccessKeyId>
Prints the account ID and ARN (--json: {"name", "accountId", "arn", ...}).`,
    )
    .action(act(async (ctx, name: string, opts: IdentityAddOpts) => (await import('./commands/identity')).add(ctx, name, opts)));
  identity
    .command('list')
    .description('list identities (never their secrets)')
    .action(act(async (ctx) => (await import('./commands/identity')).list(ctx)));
  identity
    .command('remove')
    .description('remove an identity and delete its secret from the keychain')
    .argument('<name>', 'identity to remove')
    .action(act(async (ctx, name: string) => (await import('./commands/identity')).remove(ctx, name)));

  // ------------------------------------------------------------------ roles
  const role = program.command('role').description('RAM roles to assume, each with a source identity or role');
  role
    .command('add')
    .description('add a role (validated before any network call)')
    .argument('<name>', 'name of the role in RoleTray')
    .requiredOption('--arn <arn>', 'role ARN: acs:ram::<account ID>:role/<role name>')
    .requiredOption('--source <identity-or-role>', 'identity whose key assumes the role, or another role (role chaining)')
    .option('--profile <p>', 'aliyun CLI profile to write (default roletray-<name>)')
    .option('--region <r>', "region of the profile (default: the source identity's region)")
    .option('--duration <seconds>', 'session duration, 900..43200 seconds, at most the role\'s MaxSessionDuration (default 3600)', secondsArg)
    .option('--session-name <n>', 'RoleSessionName, 2-64 characters of A-Z a-z 0-9 . @ _ - (default roletray-<user>)')
    .option('--external-id <x>', "ExternalId the role's trust policy requires")
    .option('--policy-file <f>', 'JSON file with an inline session policy that narrows the role')
    .action(act(async (ctx, name: string, opts: RoleAddOpts) => (await import('./commands/role')).add(ctx, name, opts)));
  role
    .command('list')
    .description('list roles')
    .action(act(async (ctx) => (await import('./commands/role')).list(ctx)));
  role
    .command('remove')
    .description('remove a role (stops its session and removes its profile first)')
    .argument('<name>', 'role to remove')
    .action(act(async (ctx, name: string) => (await import('./commands/role')).remove(ctx, name)));

  // ------------------------------------------------------------------ sessions
  program
    .command('assume')
    .description('assume a role now (through its source chain) and write its StsToken profile')
    .argument('<role>', 'role to assume')
    .option('--switch', 'also make its profile the current one of the aliyun CLI')
    .action(act(async (ctx, name: string, opts: { switch?: boolean }) => (await import('./commands/session')).assume(ctx, name, opts)));
  program
    .command('switch')
    .description('make the role current in the aliyun CLI, reusing a session that still has time left, assuming otherwise')
    .argument('<role>', 'role to switch to')
    .action(act(async (ctx, name: string) => (await import('./commands/session')).switchTo(ctx, name)));
  program
    .command('status')
    .description('per role: profile, state, expiration, time left, current')
    .addHelpText('after', '\n--json prints an array of {role, profile, state, expiration (ISO 8601 UTC or null), secondsLeft, current, error?}.')
    .action(act(async (ctx) => (await import('./commands/session')).status(ctx)));
  program
    .command('refresh')
    .description('refresh the sessions that are due (less than the lead time left), or force one role')
    .argument('[role]', 'refresh this role now, even if it is not due')
    .action(act(async (ctx, name: string | undefined) => (await import('./commands/session')).refresh(ctx, name)));
  program
    .command('stop')
    .description("end a role's session: remove its profile (restoring `current`) and its cached credentials")
    .argument('<role>', 'role to stop')
    .action(act(async (ctx, name: string) => (await import('./commands/session')).stop(ctx, name)));

  // ------------------------------------------------------------------ credentials for programs
  program
    .command('env')
    .description("print shell exports of a role's STS credentials (ALIBABA_CLOUD_ACCESS_KEY_ID, ...)")
    .argument('<role>', 'role whose credentials to export')
    .addOption(new Option('--shell <shell>', 'syntax of the exports').choices(['posix', 'fish', 'powershell']).default('posix'))
    .addHelpText('after', '\nExample: eval "$(roletray env fc-admin)"')
    .action(act(async (ctx, name: string, opts: { shell: 'posix' | 'fish' | 'powershell' }) => (await import('./commands/credentials')).env(ctx, name, opts)));
  program
    .command('exec')
    .description("run a command with a role's STS credentials in its environment; returns the command's exit code")
    .argument('<role>', 'role whose credentials to pass')
    .argument('<command...>', 'the command and its arguments (put -- before them)')
    .addHelpText(
      'after',
      `
Example: roletray exec fc-admin -- aliyun sts GetCallerIdentity
The child gets ALIBABA_CLOUD_ACCESS_KEY_ID, ALIBABA_CLOUD_ACCESS_KEY_SECRET,
ALIBABA_CLOUD_SECURITY_TOKEN, ALIBABA_CLOUD_REGION_ID and ALIBABA_CLOUD_IGNORE_PROFILE=TRUE.
SIGINT, SIGTERM and SIGHUP are forwarded; a child killed by signal N gives exit code 128+N.`,
    )
    .action(act(async (ctx, name: string, command: string[]) => (await import('./commands/credentials')).exec(ctx, name, command)));
  program
    .command('credential-process')
    .description('print STS credentials as JSON for the aliyun CLI "External" mode and the SDKs\' external provider')
    .argument('<role>', 'role whose credentials to print')
    .addHelpText(
      'after',
      `
Output: {"mode":"StsToken","access_key_id","access_key_secret","sts_token",
         "expiration" (ISO 8601 UTC),"sts_expiration" (Unix seconds)}
A cached session is reused while it has more than the refresh lead time left, so each call
costs no STS round trip. aliyun CLI profile:
  {"name":"fc-admin","mode":"External","process_command":"roletray credential-process fc-admin"}`,
    )
    .action(act(async (ctx, name: string) => (await import('./commands/credentials')).credentialProcess(ctx, name)));
  program
    .command('serve')
    .description('serve STS credentials on 127.0.0.1 for ALIBABA_CLOUD_CREDENTIALS_URI (until SIGINT/SIGTERM)')
    .option('--port <n>', 'port to listen on (default: any free port)', intArg('port', 0, 65535))
    .addHelpText(
      'after',
      `
Each role is served at http://127.0.0.1:<port>/<token>/<role>, where <token> is random per run;
any other path gets 404 and any other method 405. Answers
  {"Code":"Success","AccessKeyId","AccessKeySecret","SecurityToken","Expiration":"YYYY-MM-DDTHH:MM:SSZ"}
and refreshes sessions as needed. Prints the URL of every role.`,
    )
    .action(act(async (ctx, opts: { port?: number }) => (await import('./commands/serve')).serve(ctx, opts)));
  program
    .command('console')
    .description('open the Alibaba Cloud console as the role (federation sign-in) in the default browser')
    .argument('<role>', 'role to sign in as')
    .option('--destination <url>', 'console page to open (default: the console home of the site)')
    .option('--print-url', 'print the one-time sign-in URL instead of opening a browser (valid about 30 s, usable once)')
    .action(act(async (ctx, name: string, opts: { destination?: string; printUrl?: boolean }) => (await import('./commands/console')).openConsole(ctx, name, opts)));

  // ------------------------------------------------------------------ migration, sharing, health
  program
    .command('import-cli')
    .description("move AK-mode profiles' long-lived secrets from the aliyun CLI config into the keychain as identities")
    .option('--scrub', 'then remove those AK profiles (and so their plaintext secrets) from the aliyun CLI config')
    .option('--no-verify', 'do not verify each key with sts:GetCallerIdentity before importing it')
    .addHelpText(
      'after',
      `
Each AK profile becomes an identity named after the profile (characters outside A-Z a-z 0-9 . _ -
become -). With --scrub, each imported profile is REMOVED from the config (under RoleTray's lock,
atomically; only if its key is unchanged since the import). If \`current\` named a removed
profile it is left as it is, pointing at nothing, until you pick a role: roletray switch <role>.`,
    )
    .action(act(async (ctx, opts: { scrub?: boolean; verify: boolean }) => (await import('./commands/import-cli')).importCli(ctx, opts)));

  const catalog = program.command('catalog').description('share the role catalogue with a team (never any secret)');
  catalog
    .command('export')
    .description('write the catalogue as JSON: roles, and identities as named placeholders (no AccessKey ID, no secret, no STS credentials)')
    .argument('[file]', 'file to write (default: stdout)')
    .action(act(async (ctx, file: string | undefined) => (await import('./commands/catalog')).exportCatalog(ctx, file)));
  catalog
    .command('import')
    .description('merge a shared catalogue: adds roles and placeholder identities, keeps local roles unless --replace, lists identities that still need a key')
    .argument('<file>', 'file written by roletray catalog export')
    .option('--replace', 'replace local roles that have the same name as a shared one')
    .action(act(async (ctx, file: string, opts: { replace?: boolean }) => (await import('./commands/catalog')).importCatalog(ctx, file, opts)));

  program
    .command('doctor')
    .description('check the keychain, the aliyun CLI config (valid, mode 0600) and long-lived secrets left in plaintext; exit 1 if any problem')
    .addHelpText('after', '\nEach finding comes with the command that fixes it.')
    .action(act(async (ctx) => (await import('./commands/doctor')).doctor(ctx)));
  program
    .command('sandbox')
    .description('run the embedded STS emulator with a demo world on 127.0.0.1 (until SIGINT)')
    .option('--port <n>', 'port to listen on (default: any free port)', intArg('port', 0, 65535))
    .option('--setup', 'create a sandbox-only ROLETRAY_HOME with the demo identity and roles, and print the env lines to use it')
    .addHelpText('after', '\nSandbox data never mixes with real data: use a separate ROLETRAY_HOME, ROLETRAY_CLI_CONFIG and\nROLETRAY_KEYCHAIN_SERVICE with it (--setup prints them).')
    .action(act(async (ctx, opts: { port?: number; setup?: boolean }) => (await import('./commands/sandbox')).sandbox(ctx, opts)));

  configureErrors(program);
  return program;
}

export interface IdentityAddOpts {
  accessKeyId: string;
  site?: 'cn' | 'intl';
  region?: string;
  stsEndpoint?: string;
  verify: boolean;
  replace?: boolean;
}

export interface RoleAddOpts {
  arn: string;
  source: string;
  profile?: string;
  region?: string;
  duration?: number;
  sessionName?: string;
  externalId?: string;
  policyFile?: string;
}

/** Usage errors of every (sub)command: one line, "roletray: ...", pointing at that command's help. */
function configureErrors(cmd: Command, path: string[] = []): void {
  const full = ['roletray', ...path].join(' ');
  cmd.exitOverride();
  cmd.configureOutput({
    outputError: (str, write) => write(`roletray: ${str.trim().replace(/^error: /, '').replace(/\s*\n\s*/g, ' ')} (see: ${full} --help)\n`),
  });
  for (const sub of cmd.commands) configureErrors(sub as Command, [...path, sub.name()]);
}
