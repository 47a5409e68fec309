/**
 * Packaging: electron-builder.yml is valid for electron-builder (its own JSON schema, and its own
 * validateConfiguration), flips the security fuses, unpacks keytar, hides the Dock icon; the
 * entitlements and the icon files it names exist; the committed icons are what the script makes.
 */
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const require = createRequire(path.join(root, 'package.json'));

// electron-builder's own dependencies (no @types for js-yaml; minimal typings here).
const yaml = require('js-yaml') as { load(text: string): unknown };
type AjvErr = { instancePath: string; message?: string };
type AjvCtor = new (opts: Record<string, unknown>) => { compile(schema: unknown): ((data: unknown) => boolean) & { errors?: AjvErr[] | null } };
const Ajv = (require('ajv') as { default: AjvCtor }).default;

interface BuilderConfig {
  appId: string;
  productName: string;
  files: string[];
  asar: boolean;
  asarUnpack: string[];
  electronFuses: Record<string, boolean>;
  directories: { output: string; buildResources: string };
  mac: { target: unknown; hardenedRuntime: boolean; entitlements: string; entitlementsInherit: string; extendInfo: Record<string, unknown>; icon: string };
  win: { target: Array<{ target: string }>; icon: string };
  linux: { target: string[]; category: string; icon: string };
}

const configText = readFileSync(path.join(root, 'electron-builder.yml'), 'utf8');
const config = yaml.load(configText) as BuilderConfig;

describe('electron-builder.yml', () => {
  it("matches electron-builder's JSON schema (app-builder-lib/scheme.json)", () => {
    const schema = JSON.parse(readFileSync(require.resolve('app-builder-lib/scheme.json'), 'utf8')) as unknown;
    const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);
    const valid = validate(config);
    expect(valid, JSON.stringify(validate.errors?.map((e) => `${e.instancePath} ${e.message ?? ''}`))).toBe(true);
  });

  it("passes electron-builder's own validateConfiguration, which rejects a misspelt fuse", async () => {
    const { validateConfiguration } = require('app-builder-lib/out/util/config/config') as { validateConfiguration(c: unknown, log: unknown): Promise<void> };
    const { DebugLogger } = require('builder-util') as { DebugLogger: new (enabled: boolean) => unknown };
    await expect(validateConfiguration(structuredClone(config), new DebugLogger(false))).resolves.toBeUndefined();
    const bad = structuredClone(config) as unknown as { electronFuses: Record<string, boolean> };
    bad.electronFuses['runAsNod'] = false;
    await expect(validateConfiguration(bad, new DebugLogger(false))).rejects.toThrow(/electronFuses/);
  });

  it('names the product and packs only the build output, the assets and package.json', () => {
    expect(config.appId).toBe('dev.roletray.app');
    expect(config.productName).toBe('RoleTray');
    expect(config.files).toEqual(expect.arrayContaining(['dist/**', 'package.json', 'assets/**']));
    expect(config.files).toContain('!dist/**/*.map');
    // builder output must not land in dist/, which `files` packs
    expect(config.directories.output).not.toMatch(/^dist(\/|$)/);
  });

  it('flips the security fuses', () => {
    expect(config.electronFuses).toMatchObject({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      onlyLoadAppFromAsar: true,
      enableEmbeddedAsarIntegrityValidation: true,
      grantFileProtocolExtraPrivileges: false,
    });
  });

  it("uses asar and unpacks keytar's native module", () => {
    expect(config.asar).toBe(true);
    expect(config.asarUnpack).toContain('**/node_modules/keytar/**');
  });

  it('macOS: dmg, hardened runtime with our entitlements, menu-bar only (LSUIElement)', () => {
    expect(JSON.stringify(config.mac.target)).toContain('dmg');
    expect(config.mac.hardenedRuntime).toBe(true);
    expect(config.mac.entitlements).toBe('build/entitlements.mac.plist');
    expect(config.mac.extendInfo['LSUIElement']).toBe(true);
  });

  it('Windows nsis; Linux AppImage and deb in the Development category', () => {
    expect(config.win.target.map((t) => t.target)).toEqual(['nsis']);
    expect(config.linux.target).toEqual(['AppImage', 'deb']);
    expect(config.linux.category).toBe('Development');
  });

  it('every file it names exists', () => {
    for (const f of [config.mac.entitlements, config.mac.entitlementsInherit, config.mac.icon, config.win.icon, config.linux.icon]) {
      expect(existsSync(path.join(root, f)), f).toBe(true);
    }
  });
});

describe('build/entitlements.mac.plist', () => {
  const plist = readFileSync(path.join(root, 'build/entitlements.mac.plist'), 'utf8');
  it('is a plist granting JIT only (no library-validation bypass, no extra devices)', () => {
    expect(plist).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>/);
    expect(plist).toContain('<key>com.apple.security.cs.allow-jit</key>');
    const keys = [...plist.matchAll(/<key>([^<]+)<\/key>/g)].map((m) => m[1]);
    expect(keys).toEqual(['com.apple.security.cs.allow-jit']);
  });
});

function pngSize(buf: Buffer): { width: number; height: number; colorType: number } {
  expect(buf.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
  expect(buf.toString('ascii', 12, 16)).toBe('IHDR');
  return { width: buf.readUInt32BE(16), height: buf.readUInt32BE(20), colorType: buf[25] ?? -1 };
}

describe('icons in assets/', () => {
  const assets = path.join(root, 'assets');
  const states = ['tray', 'tray-expiring', 'tray-error'];

  it('has a 512x512 app icon', () => {
    expect(pngSize(readFileSync(path.join(assets, 'icon.png')))).toEqual({ width: 512, height: 512, colorType: 6 });
  });

  it.each(states)('%s: coloured and macOS template images, 1x (16 px) and @2x (32 px)', (base) => {
    for (const name of [base, `${base}Template`]) {
      expect(pngSize(readFileSync(path.join(assets, `${name}.png`)))).toMatchObject({ width: 16, height: 16 });
      expect(pngSize(readFileSync(path.join(assets, `${name}@2x.png`)))).toMatchObject({ width: 32, height: 32 });
    }
  });

  it('are exactly what scripts/make-icons.mjs generates', async () => {
    const mod = (await import(pathToFileURL(path.join(root, 'scripts/make-icons.mjs')).href)) as { makeIcons(dir: string): string[] };
    const tmp = await mkdtemp(path.join(os.tmpdir(), 'roletray-icons-'));
    try {
      const written = mod.makeIcons(tmp);
      expect(written).toHaveLength(13);
      for (const f of await readdir(tmp)) expect(Buffer.compare(await readFile(path.join(tmp, f)), await readFile(path.join(assets, f))), f).toBe(0);
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
  });
});
