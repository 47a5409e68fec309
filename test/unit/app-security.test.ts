/**
 * Security policy of the shell: the IPC sender check, the app origin, the CSP, the renderer file
 * server's path handling and the external-URL allow-list.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  APP_ENTRY_URL,
  appResponseHeaders,
  contentSecurityPolicy,
  devServerOrigin,
  isAllowedExternalUrl,
  isAppUrl,
  isTrustedSender,
  resolveAppAsset,
} from '../../main/app/security';

const OURS = new Set([7, 9]);

describe('isTrustedSender', () => {
  it('accepts our window main frame on our origin', () => {
    expect(isTrustedSender(APP_ENTRY_URL, true, OURS, 7)).toBe(true);
    expect(isTrustedSender('roletray://app/index.html#/roles', true, [7], 7)).toBe(true);
  });

  it.each([
    ['an unknown WebContents', APP_ENTRY_URL, true, 8],
    ['a subframe', APP_ENTRY_URL, false, 7],
    ['a frame that is gone', null, true, 7],
    ['an empty URL', '', true, 7],
    ['file://', 'file:///work/main/dist/renderer/index.html', true, 7],
    ['https page', 'https://evil.example/index.html', true, 7],
    ['our scheme, other host', 'roletray://evil/index.html', true, 7],
    ['credentials in the URL', 'roletray://user:pw@app/index.html', true, 7],
    ['look-alike scheme', 'roletrayx://app/index.html', true, 7],
    ['devtools', 'devtools://devtools/bundled/inspector.html', true, 7],
    ['about:blank', 'about:blank', true, 7],
    ['data: URL', 'data:text/html,<script>1</script>', true, 7],
    ['not a URL', 'roletray app', true, 7],
  ] as const)('rejects %s', (_name, url, main, id) => {
    expect(isTrustedSender(url, main, OURS, id)).toBe(false);
  });

  it('accepts the dev server origin only when it is configured', () => {
    expect(isTrustedSender('http://127.0.0.1:5173/', true, OURS, 7)).toBe(false);
    expect(isTrustedSender('http://127.0.0.1:5173/', true, OURS, 7, { devOrigin: 'http://127.0.0.1:5173' })).toBe(true);
    expect(isTrustedSender('http://127.0.0.1:5174/', true, OURS, 7, { devOrigin: 'http://127.0.0.1:5173' })).toBe(false);
  });
});

describe('isAppUrl / devServerOrigin', () => {
  it('knows our entry URL', () => {
    expect(isAppUrl(APP_ENTRY_URL)).toBe(true);
    expect(isAppUrl(undefined)).toBe(false);
  });
  it('accepts only loopback dev servers', () => {
    expect(devServerOrigin('http://localhost:5173/index.html')).toBe('http://localhost:5173');
    expect(devServerOrigin('http://127.0.0.1:5173')).toBe('http://127.0.0.1:5173');
    expect(devServerOrigin('http://192.168.1.2:5173')).toBeNull();
    expect(devServerOrigin('file:///tmp/x.html')).toBeNull();
    expect(devServerOrigin('garbage')).toBeNull();
    expect(devServerOrigin(undefined)).toBeNull();
  });
});

describe('contentSecurityPolicy', () => {
  const directives = (csp: string): Map<string, string> => new Map(csp.split('; ').map((d) => [d.split(' ')[0] ?? '', d.slice(d.indexOf(' ') + 1)]));

  it('is strict in production: no inline script, no network, no framing', () => {
    const d = directives(contentSecurityPolicy());
    expect(d.get('default-src')).toBe("'none'");
    expect(d.get('script-src')).toBe("'self'");
    expect(d.get('style-src')).toBe("'self'");
    expect(d.get('connect-src')).toBe("'none'");
    expect(d.get('object-src')).toBe("'none'");
    expect(d.get('base-uri')).toBe("'none'");
    expect(d.get('form-action')).toBe("'none'");
    expect(d.get('frame-ancestors')).toBe("'none'");
    expect(contentSecurityPolicy()).not.toMatch(/unsafe-eval|unsafe-inline|\*/);
  });

  it('relaxes only for a configured dev server', () => {
    const d = directives(contentSecurityPolicy({ devOrigin: 'http://127.0.0.1:5173' }));
    expect(d.get('connect-src')).toBe("'self' http://127.0.0.1:5173 ws://127.0.0.1:5173");
    expect(contentSecurityPolicy({ devOrigin: 'http://127.0.0.1:5173' })).not.toMatch(/unsafe-eval/);
  });

  it('is sent with every file the app scheme serves', () => {
    const h = appResponseHeaders('text/html; charset=utf-8');
    expect(h['Content-Security-Policy']).toBe(contentSecurityPolicy());
    expect(h['X-Content-Type-Options']).toBe('nosniff');
  });
});

describe('resolveAppAsset', () => {
  const root = path.resolve('/srv/app/dist/renderer');

  it('maps app URLs to files under the renderer root', () => {
    expect(resolveAppAsset(root, 'roletray://app/index.html')).toEqual({ file: path.join(root, 'index.html'), mime: 'text/html; charset=utf-8' });
    expect(resolveAppAsset(root, 'roletray://app/')?.file).toBe(path.join(root, 'index.html'));
    expect(resolveAppAsset(root, 'roletray://app/assets/main-abc.js?v=1#x')).toEqual({ file: path.join(root, 'assets', 'main-abc.js'), mime: 'text/javascript; charset=utf-8' });
    expect(resolveAppAsset(root, 'roletray://app/assets/a%20b.css')?.file).toBe(path.join(root, 'assets', 'a b.css'));
    expect(resolveAppAsset(root, 'roletray://app/blob.bin')?.mime).toBe('application/octet-stream');
  });

  it.each([
    'roletray://app/../secret.txt',
    'roletray://app/%2e%2e/%2e%2e/etc/passwd',
    'roletray://app/assets/..%2f..%2f..%2fetc/passwd',
    'roletray://app/assets/%2e%2e%5c%2e%2e%5cwin.ini',
    'roletray://app/a%00.html',
    'roletray://app/%E0%A4%A',
    'roletray://other/index.html',
    'file:///etc/passwd',
    'https://app/index.html',
    'not a url',
  ])('keeps %s inside the root or refuses it', (url) => {
    const hit = resolveAppAsset(root, url);
    if (hit) expect(hit.file.startsWith(root + path.sep)).toBe(true);
    else expect(hit).toBeNull();
  });

  it('never escapes the root, whatever the encoding', () => {
    for (const p of ['..', '%2e%2e', '%2E%2E', '.%2e', '%2e.', '..%2f', '%2f..', '....//', '..;']) {
      const hit = resolveAppAsset(root, `roletray://app/${p}/${p}/etc/passwd`);
      if (hit) expect(hit.file.startsWith(root + path.sep)).toBe(true);
    }
  });
});

describe('isAllowedExternalUrl (safeOpenExternal)', () => {
  it.each([
    'https://signin.aliyun.com/federation?Action=Login&SigninToken=x',
    'https://signin.alibabacloud.com/federation?Action=Login',
    'https://home.console.aliyun.com/',
    'https://fc.console.alibabacloud.com/overview',
    'http://127.0.0.1:41234/federation?Action=Login&SigninToken=x',
    'http://localhost:41234/console',
  ])('allows %s', (url) => {
    expect(isAllowedExternalUrl(url)).toBe(true);
  });

  it.each([
    'http://signin.aliyun.com/federation',
    'https://signin.aliyun.com.evil.example/',
    'https://evilconsole.aliyun.com.example/',
    'https://aliyun.com@evil.example/',
    'https://user:pw@signin.aliyun.com/',
    'https://example.com/',
    'file:///etc/passwd',
    'javascript:alert(1)',
    'smb://127.0.0.1/share',
    'ms-settings:privacy',
    'not a url',
  ])('refuses %s', (url) => {
    expect(isAllowedExternalUrl(url)).toBe(false);
  });
});
