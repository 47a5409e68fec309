/**
 * The pure rules of the CLI config writer: merge, parse errors, layout. No files here.
 */
import { describe, expect, it } from 'vitest';
import { applyChanges, parseCliConfig, serializeCliConfig } from '../../main/core/cli-config';
import type { CliConfigDoc, ConfigChange } from '../../main/core/cli-config';
import { RoleTrayError } from '../../main/core/errors';
import { cliText, nodeSdkText, stsProfile, userDoc } from '../helpers/cli-config-fixtures';

const P = '/home/u/.aliyun/config.json';

function docOf(value: unknown): CliConfigDoc {
  return parseCliConfig(JSON.stringify(value), P);
}

function caught(fn: () => unknown): RoleTrayError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(RoleTrayError);
    return e as RoleTrayError;
  }
  throw new Error('expected a RoleTrayError');
}

describe('applyChanges: upsert', () => {
  it('appends a new managed profile in the contract key order and keeps every other byte of a CLI-written file', () => {
    const original = cliText(userDoc());
    const doc = parseCliConfig(original, P);
    const res = applyChanges(doc, [{ kind: 'upsert', profile: stsProfile('rt-dev') }], new Set(['rt-dev']));
    expect(res).toEqual({ changed: true, previousCurrent: 'default', clashes: [] });

    const managedText = [
      '\t\t{',
      '\t\t\t"name": "rt-dev",',
      '\t\t\t"mode": "StsToken",',
      '\t\t\t"access_key_id": "STS.FAKEID1",',
      '\t\t\t"access_key_secret": "fake-secret-rt-dev-1",',
      '\t\t\t"sts_token": "fake-token-rt-dev-1",',
      '\t\t\t"sts_expiration": 1900000001,',
      '\t\t\t"region_id": "cn-hangzhou",',
      '\t\t\t"output_format": "json",',
      '\t\t\t"language": "en"',
      '\t\t}',
    ].join('\n');
    const closing = '\n\t],\n\t"x_unknown_top"';
    expect(original).toContain(closing);
    const expected = original.replace(closing, `,\n${managedText}${closing}`);
    expect(serializeCliConfig(doc, original)).toBe(expected);
  });

  it('replaces a managed profile in place, keeps its language and extra fields, drops stale duplicates', () => {
    const doc = docOf({
      current: 'rt-dev',
      profiles: [
        { name: 'a' },
        { ...stsProfile('rt-dev', 1), language: 'zh', read_timeout: 30 },
        { name: 'b' },
        { ...stsProfile('rt-dev', 0) },
      ],
      meta_path: '',
    });
    const res = applyChanges(doc, [{ kind: 'upsert', profile: stsProfile('rt-dev', 2) }], new Set(['rt-dev']));
    expect(res.changed).toBe(true);
    expect(doc.profiles.map((p) => p.name)).toEqual(['a', 'rt-dev', 'b']);
    expect(doc.profiles[1]).toEqual({ ...stsProfile('rt-dev', 2), language: 'zh', read_timeout: 30 });
    expect(Object.keys(doc.profiles[1] ?? {})).toEqual([
      'name',
      'mode',
      'access_key_id',
      'access_key_secret',
      'sts_token',
      'sts_expiration',
      'region_id',
      'output_format',
      'language',
      'read_timeout',
    ]);
    expect(doc.current).toBe('rt-dev');
  });

  it('reports no change for an identical upsert', () => {
    const doc = docOf({ current: 'x', profiles: [stsProfile('rt-dev', 3)], meta_path: '' });
    const res = applyChanges(doc, [{ kind: 'upsert', profile: stsProfile('rt-dev', 3) }], new Set(['rt-dev']));
    expect(res.changed).toBe(false);
  });

  it('never overwrites a profile it does not manage: the clash is reported and the document unchanged', () => {
    const original = cliText(userDoc());
    const doc = parseCliConfig(original, P);
    const res = applyChanges(doc, [{ kind: 'upsert', profile: stsProfile('sso') }, { kind: 'switch', name: 'sso' }], new Set(['rt-dev']));
    expect(res).toEqual({ changed: false, previousCurrent: 'default', clashes: ['sso'] });
    expect(serializeCliConfig(doc, original)).toBe(original);
  });

  it('creates the profiles array where the CLI puts it when the file has none', () => {
    const doc = parseCliConfig('{\n\t"current": "x",\n\t"meta_path": ""\n}', P);
    applyChanges(doc, [{ kind: 'upsert', profile: stsProfile('rt-a') }], new Set(['rt-a']));
    expect(Object.keys(doc)).toEqual(['current', 'profiles', 'meta_path']);
  });

  it('refuses an invalid managed profile before changing anything, without echoing secrets', () => {
    const doc = docOf(userDoc());
    const before = JSON.stringify(doc);
    const bad = stsProfile('rt-a', 1, { region_id: 'cn hangzhou', access_key_secret: '' });
    const err = caught(() => applyChanges(doc, [{ kind: 'upsert', profile: bad }], new Set(['rt-a'])));
    expect(err.code).toBe('invalid-input');
    expect(err.message).toContain('region_id');
    expect(err.message).toContain('access_key_secret');
    expect(err.message).not.toContain('fake-token');
    expect(JSON.stringify(doc)).toBe(before);
    expect(caught(() => applyChanges(doc, [{ kind: 'upsert', profile: stsProfile('-bad name') }], new Set())).code).toBe('invalid-input');
  });
});

describe('applyChanges: remove and current', () => {
  const rows: {
    title: string;
    current: string;
    restore?: string;
    others: string[];
    expected: string;
  }[] = [
    { title: 'restores the previous current when it still exists', current: 'rt-a', restore: 'work', others: ['default', 'work'], expected: 'work' },
    { title: 'falls back to the first remaining profile when the restore target is gone', current: 'rt-a', restore: 'gone', others: ['default', 'work'], expected: 'default' },
    { title: 'falls back to "default" when no profile remains', current: 'rt-a', others: [], expected: 'default' },
    { title: 'ignores a restore target equal to the removed profile', current: 'rt-a', restore: 'rt-a', others: ['work'], expected: 'work' },
    { title: 'leaves current alone when it pointed elsewhere', current: 'work', restore: 'default', others: ['default', 'work'], expected: 'work' },
  ];
  for (const row of rows) {
    it(row.title, () => {
      const doc = docOf({ current: row.current, profiles: [...row.others.map((name) => ({ name })), stsProfile('rt-a')], meta_path: '/m' });
      const change: ConfigChange = { kind: 'remove', name: 'rt-a', restoreCurrent: row.restore };
      const res = applyChanges(doc, [change], new Set(['rt-a']));
      expect(res).toEqual({ changed: true, previousCurrent: row.current, clashes: [] });
      expect(doc.profiles.map((p) => p.name)).toEqual(row.others);
      expect(doc.current).toBe(row.expected);
      expect(doc.meta_path).toBe('/m');
    });
  }

  it('does not remove a profile it does not manage, and reports the clash', () => {
    const doc = docOf(userDoc());
    const res = applyChanges(doc, [{ kind: 'remove', name: 'default', restoreCurrent: 'sso' }], new Set(['rt-a']));
    expect(res).toEqual({ changed: false, previousCurrent: 'default', clashes: ['default'] });
    expect(doc.profiles.map((p) => p.name)).toEqual(['default', 'sso']);
  });

  it('removing a managed profile that is absent changes nothing', () => {
    const doc = docOf(userDoc());
    expect(applyChanges(doc, [{ kind: 'remove', name: 'rt-a' }], new Set(['rt-a'])).changed).toBe(false);
  });
});

describe('applyChanges: switch', () => {
  it('sets current and nothing else', () => {
    const original = cliText(userDoc());
    const doc = parseCliConfig(original, P);
    const res = applyChanges(doc, [{ kind: 'switch', name: 'sso' }], new Set());
    expect(res).toEqual({ changed: true, previousCurrent: 'default', clashes: [] });
    expect(serializeCliConfig(doc, original)).toBe(original.replace('"current": "default"', '"current": "sso"'));
  });

  it('works after an upsert in the same call and adds a missing current key first, as the CLI orders it', () => {
    const doc = parseCliConfig('{"profiles": [], "x": 1}', P);
    const res = applyChanges(doc, [{ kind: 'upsert', profile: stsProfile('rt-a') }, { kind: 'switch', name: 'rt-a' }], new Set(['rt-a']));
    expect(res.previousCurrent).toBeUndefined();
    expect(Object.keys(doc)).toEqual(['current', 'profiles', 'x']);
    expect(doc.current).toBe('rt-a');
  });

  it('switching to the current profile changes nothing', () => {
    expect(applyChanges(docOf(userDoc()), [{ kind: 'switch', name: 'default' }], new Set()).changed).toBe(false);
  });

  it('refuses a switch to a missing profile with not-found and leaves the document as it was', () => {
    const doc = docOf(userDoc());
    const before = JSON.stringify(doc);
    const err = caught(() => applyChanges(doc, [{ kind: 'switch', name: 'rt-nope' }], new Set(['rt-nope'])));
    expect(err.code).toBe('not-found');
    expect(err.message).toContain('rt-nope');
    expect(JSON.stringify(doc)).toBe(before);
  });
});

describe('parseCliConfig errors', () => {
  const syntax: { title: string; text: string; at: string; reason: RegExp }[] = [
    { title: 'missing comma', text: '{\n\t"current": "a"\n\t"profiles": []\n}', at: '3:2', reason: /expected ',' or '}'/ },
    { title: 'trailing comma', text: '{\n  "profiles": [\n    {"name": "a",}\n  ]\n}', at: '3:18', reason: /property name/ },
    { title: 'truncated file', text: '{"current": "a", "profiles": [', at: '1:31', reason: /end of file/ },
    { title: 'bad literal', text: '{\n"current": tru\n}', at: '2:12', reason: /"true"/ },
    { title: 'raw line break in a string', text: '{"current": "a\nb"}', at: '1:15', reason: /line break/ },
    { title: 'garbage after the value', text: '{}\n}', at: '2:1', reason: /after the end/ },
  ];
  for (const row of syntax) {
    it(`names the file, line and column: ${row.title}`, () => {
      const err = caught(() => parseCliConfig(row.text, P));
      expect(err.code).toBe('config-file');
      expect(err.message).toContain(`${P}:${row.at}:`);
      const [line, column] = row.at.split(':');
      expect(err.message).toContain(`line ${line}, column ${column}`);
      expect(err.message).toMatch(row.reason);
      expect(err.message).toContain('untouched');
      expect(err.hint).not.toBe('');
    });
  }

  it('never quotes the file content (it holds secrets)', () => {
    const err = caught(() => parseCliConfig('{"profiles":[{"name":"x","access_key_secret":"FAKE-SECRET-VALUE" x}]}', P));
    expect(err.message).not.toContain('FAKE-SECRET');
    expect(err.hint).not.toContain('FAKE-SECRET');
  });

  const shapes: { text: string; where: RegExp }[] = [
    { text: '[]', where: /expected object, received array/ },
    { text: 'null', where: /expected object, received null/ },
    { text: '42', where: /expected object/ },
    { text: '{"profiles": {}}', where: /profiles: .*expected array/ },
    { text: '{"profiles": null}', where: /profiles: .*expected array/ },
    { text: '{"profiles": [{"name": "a"}, {"mode": "AK"}]}', where: /profiles\[1\]\.name: .*expected string/ },
    { text: '{"current": 5, "profiles": []}', where: /current: .*expected string/ },
  ];
  for (const row of shapes) {
    it(`refuses a wrong shape: ${row.text}`, () => {
      const err = caught(() => parseCliConfig(row.text, P));
      expect(err.code).toBe('config-file');
      expect(err.message).toContain(P);
      expect(err.message).toMatch(row.where);
      expect(err.message).toContain('untouched');
    });
  }

  it('treats an empty or blank file as invalid (it may be a non-atomic writer between truncate and write)', () => {
    for (const text of ['', ' \n\t', '\ufeff']) {
      const err = caught(() => parseCliConfig(text, P));
      expect(err.code).toBe('config-file');
      expect(err.message).toContain(`${P} is empty`);
    }
  });

  it('accepts a UTF-8 BOM and does not write it back', () => {
    const text = '\ufeff{\n\t"current": "a",\n\t"profiles": []\n}';
    const doc = parseCliConfig(text, P);
    expect(doc.current).toBe('a');
    expect(serializeCliConfig(doc, text)).toBe(text.slice(1));
  });
});

describe('serializeCliConfig layout', () => {
  it('round-trips a file written by the aliyun CLI byte for byte (tabs, Go escapes, no final newline)', () => {
    const original = cliText(userDoc());
    expect(original).toContain('\\u0026b=\\u003c2\\u003e');
    expect(serializeCliConfig(parseCliConfig(original, P), original)).toBe(original);
  });

  it('round-trips a file rewritten by @alicloud/credentials (4 spaces, raw &)', () => {
    const original = nodeSdkText(userDoc());
    const doc = parseCliConfig(original, P);
    expect(serializeCliConfig(doc, original)).toBe(original);
    applyChanges(doc, [{ kind: 'upsert', profile: stsProfile('rt-a') }], new Set(['rt-a']));
    const out = serializeCliConfig(doc, original);
    expect(out).toContain('\n    "profiles": [\n        {');
    expect(out).toContain('\n            "name": "rt-a",');
    expect(out).toContain('a=1&b=<2>');
  });

  it('keeps two-space indent, CRLF line ends and a final newline', () => {
    const original = `${JSON.stringify(userDoc(), null, 2).replace(/\n/g, '\r\n')}\r\n`;
    expect(serializeCliConfig(parseCliConfig(original, P), original)).toBe(original);
  });

  it('writes a new file exactly like the CLI: tab indent, no final newline', () => {
    const doc = parseCliConfig('{"current":"default","profiles":[],"meta_path":""}', P);
    applyChanges(doc, [{ kind: 'upsert', profile: stsProfile('rt-a', 1, { region_id: 'cn-beijing' }) }], new Set(['rt-a']));
    const fresh = serializeCliConfig(doc);
    expect(fresh).toBe(cliText(doc));
    expect(fresh.endsWith('}')).toBe(true);
    // a compact original has no indent to keep: it gets the CLI's tab as well
    expect(serializeCliConfig(doc, '{"current":"default","profiles":[],"meta_path":""}')).toBe(fresh);
  });
});
