/**
 * Composition root of the core: builds the object graph the tray app and the CLI share.
 */
import { CatalogStore } from './catalog';
import { CliConfigFile, CoalescingConfigWriter } from './cli-config';
import { FileLogger } from './log';
import type { Paths } from './paths';
import { resolvePaths } from './paths';
import type { Clock, Logger, SecretStore, StsClient } from './ports';
import { systemClock } from './ports';
import { KeytarSecretStore } from './secret-store';
import { SessionManager } from './session-manager';
import { AlibabaStsClient } from './sts-client';

export interface CoreOptions {
  env?: NodeJS.ProcessEnv;
  paths?: Paths;
  secrets?: SecretStore;
  sts?: StsClient;
  clock?: Clock;
  logger?: Logger;
}

export interface Core {
  env: NodeJS.ProcessEnv;
  paths: Paths;
  manager: SessionManager;
  cliConfig: CliConfigFile;
  writer: CoalescingConfigWriter;
  logger: Logger;
}

export function createCore(opts: CoreOptions = {}): Core {
  const env = opts.env ?? process.env;
  const paths = opts.paths ?? resolvePaths(env);
  const logger = opts.logger ?? new FileLogger(paths.logDir);
  const cliConfig = new CliConfigFile(paths.cliConfigFile);
  const catalog = new CatalogStore(paths.catalogFile);
  const managed = { current: (): ReadonlySet<string> => new Set<string>() };
  const writer = new CoalescingConfigWriter(cliConfig, () => managed.current());
  const manager = new SessionManager({
    catalog,
    secrets: opts.secrets ?? new KeytarSecretStore(paths.keychainService),
    sts: opts.sts ?? new AlibabaStsClient(),
    cliConfig,
    writer,
    clock: opts.clock ?? systemClock,
    logger,
    env,
  });
  managed.current = () => manager.managedProfiles();
  return { env, paths, manager, cliConfig, writer, logger };
}
