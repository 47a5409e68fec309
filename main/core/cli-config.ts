/**
 * RoleTray's writer of the aliyun CLI config (~/.aliyun/config.json, or ROLETRAY_CLI_CONFIG).
 *
 * The contract (shared/DESIGN.md, "Writing the aliyun CLI config"):
 * - re-read right before every write, under a lock shared by all RoleTray processes;
 * - change only the profiles whose names the caller manages (kept in the catalog, never tagged in
 *   the file); keep every other profile, every unknown field, key order, `current` and `meta_path`;
 * - never overwrite a profile RoleTray does not manage: the change is skipped and reported in
 *   `ApplyResult.clashes` (not thrown; the caller turns it into a 'conflict' for that role);
 * - write atomically (temp file + rename in the file's directory), mode 0600, a created directory
 *   0700, in the file's own layout (tab like the aliyun CLI, or 4 spaces like @alicloud/credentials);
 * - never touch a file that is not valid JSON (an empty file counts as invalid: it may be a
 *   non-atomic writer between truncate and write); report where the error is;
 * - coalesce the writes of a refresh burst (CoalescingConfigWriter).
 *
 * Layers: cli-config-doc.ts (pure document rules), cli-config-json.ts (JSON text helpers),
 * cli-config-file.ts (locked atomic file I/O), cli-config-writer.ts (burst coalescing).
 */
export {
  applyChanges,
  emptyCliConfig,
  parseCliConfig,
  serializeCliConfig,
  type ApplyResult,
  type CliConfigDoc,
  type CliProfile,
  type ConfigChange,
  type ManagedProfile,
} from './cli-config-doc';
export { CLI_CONFIG_LOCK_SUFFIX, CliConfigFile, type CliConfigFileOptions } from './cli-config-file';
export { CoalescingConfigWriter, type CoalescingConfigWriterOptions } from './cli-config-writer';
