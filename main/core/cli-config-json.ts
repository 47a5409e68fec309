/**
 * JSON text helpers for the aliyun CLI config: where a syntax error is, how the file is formatted,
 * and how to write a value back in that format.
 *
 * Pure: no I/O. Used by cli-config-doc.ts.
 */

/** Where the first JSON syntax error of a text is (1-based line and column, in UTF-16 code units). */
export interface JsonSyntaxError {
  offset: number;
  line: number;
  column: number;
  reason: string;
}

class ScanFailure {
  constructor(
    readonly offset: number,
    readonly reason: string,
  ) {}
}

/**
 * Locate the first syntax error of a text that JSON.parse rejected.
 *
 * V8's own messages give no position for some errors and quote a slice of the file, which may hold
 * a secret, so they are never shown. Returns null when the scanner finds nothing wrong (or the
 * nesting is too deep to scan), in which case the caller reports the start of the text.
 */
export function findJsonSyntaxError(text: string): JsonSyntaxError | null {
  let i = 0;
  const n = text.length;

  const fail = (expected: string): never => {
    throw new ScanFailure(i, i >= n ? `unexpected end of file, expected ${expected}` : `expected ${expected}`);
  };
  const skipWhitespace = (): void => {
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) return;
      i++;
    }
  };
  const literal = (word: string): void => {
    if (text.startsWith(word, i)) i += word.length;
    else throw new ScanFailure(i, `invalid literal, expected "${word}"`);
  };
  const digits = (): void => {
    const start = i;
    while (i < n && text.charCodeAt(i) >= 0x30 && text.charCodeAt(i) <= 0x39) i++;
    if (i === start) fail('a digit');
  };
  const number = (): void => {
    if (text[i] === '-') i++;
    if (text[i] === '0') i++;
    else digits();
    if (text[i] === '.') {
      i++;
      digits();
    }
    if (text[i] === 'e' || text[i] === 'E') {
      i++;
      if (text[i] === '+' || text[i] === '-') i++;
      digits();
    }
  };
  const string = (): void => {
    i++; // opening quote
    for (;;) {
      if (i >= n) fail('a closing \'"\' (unterminated string)');
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        i++;
        return;
      }
      if (c < 0x20) throw new ScanFailure(i, 'line break or control character inside a string');
      if (c === 0x5c) {
        i++;
        const e = text[i];
        if (e === 'u') {
          i++;
          for (let k = 0; k < 4; k++, i++) {
            if (!/^[0-9a-fA-F]$/.test(text[i] ?? '')) fail('4 hex digits after \\u');
          }
        } else if (e !== undefined && '"\\/bfnrt'.includes(e)) {
          i++;
        } else {
          fail('a valid escape after \\');
        }
        continue;
      }
      i++;
    }
  };
  const value = (): void => {
    skipWhitespace();
    const c = text[i];
    if (c === '{') {
      i++;
      skipWhitespace();
      if (text[i] === '}') {
        i++;
        return;
      }
      for (;;) {
        skipWhitespace();
        if (text[i] !== '"') fail('a double-quoted property name');
        string();
        skipWhitespace();
        if (text[i] !== ':') fail("':' after a property name");
        i++;
        value();
        skipWhitespace();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === '}') {
          i++;
          return;
        }
        fail("',' or '}' after a property value");
      }
    }
    if (c === '[') {
      i++;
      skipWhitespace();
      if (text[i] === ']') {
        i++;
        return;
      }
      for (;;) {
        value();
        skipWhitespace();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === ']') {
          i++;
          return;
        }
        fail("',' or ']' after an array element");
      }
    }
    if (c === '"') return string();
    if (c === 't') return literal('true');
    if (c === 'f') return literal('false');
    if (c === 'n') return literal('null');
    if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) return number();
    fail('a JSON value');
  };

  try {
    value();
    skipWhitespace();
    if (i < n) throw new ScanFailure(i, 'unexpected text after the end of the JSON value');
    return null;
  } catch (e) {
    if (e instanceof ScanFailure) return { offset: e.offset, reason: e.reason, ...lineColumn(text, e.offset) };
    if (e instanceof RangeError) return null; // nesting deeper than the stack
    throw e;
  }
}

/** 1-based line and column of an offset. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let k = text.indexOf('\n'); k !== -1 && k < offset; k = text.indexOf('\n', k + 1)) {
    line++;
    lineStart = k + 1;
  }
  return { line, column: offset - lineStart + 1 };
}

/** How a JSON file is laid out, so a rewrite changes as few bytes as possible. */
export interface JsonStyle {
  /** One indent level: '\t' (aliyun CLI), or spaces (4 for @alicloud/credentials). */
  indent: string;
  eol: '\n' | '\r\n';
  finalNewline: boolean;
  /** Escape < > & U+2028 U+2029 as \u003c... the way Go's encoding/json (the aliyun CLI) does. */
  goEscape: boolean;
}

/** Exactly what `json.MarshalIndent(config, "", "\t")` in the aliyun CLI produces. */
export const CLI_STYLE: Readonly<JsonStyle> = { indent: '\t', eol: '\n', finalNewline: false, goEscape: true };

/**
 * Detect the style of an existing JSON text (already stripped of a BOM).
 *
 * The indent is that of the first indented line (depth 1); a text with no indented line (compact
 * or `{}`) gets the CLI's tab. Go-style escaping is kept for tab-indented files (the CLI wrote
 * them) and for any file that already contains such escapes.
 */
export function detectStyle(text: string): JsonStyle {
  const m = /\n([ \t]+)\S/.exec(text);
  const ws = m?.[1];
  let indent = CLI_STYLE.indent;
  if (ws !== undefined) indent = ws.startsWith('\t') ? '\t' : ' '.repeat(Math.min(ws.length, 10));
  const nl = text.indexOf('\n');
  return {
    indent,
    eol: nl > 0 && text[nl - 1] === '\r' ? '\r\n' : '\n',
    finalNewline: text.endsWith('\n'),
    goEscape: indent === '\t' || /\\u00(?:26|3[ce])/i.test(text),
  };
}

const GO_ESCAPES: Readonly<Record<string, string>> = {
  '<': '\\u003c',
  '>': '\\u003e',
  '&': '\\u0026',
  '\u2028': '\\u2028',
  '\u2029': '\\u2029',
};

/**
 * Serialize a JSON value in a given style: one JSON.stringify plus at most two linear passes.
 *
 * The replacements are safe on the whole output: < > & U+2028 U+2029 can only occur inside
 * strings, where the escape means the same character, and JSON.stringify escapes line feeds
 * inside strings, so every raw line feed is layout.
 */
export function stringifyJson(value: unknown, style: Readonly<JsonStyle>): string {
  let out = JSON.stringify(value, null, style.indent);
  if (style.goEscape) out = out.replace(/[<>&\u2028\u2029]/g, (c) => GO_ESCAPES[c] ?? c);
  if (style.eol === '\r\n') out = out.replace(/\n/g, '\r\n');
  return style.finalNewline ? out + style.eol : out;
}

/** Deep equality of two parsed JSON values, key order included (so a rewrite would produce the same bytes). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((v, k) => jsonEqual(v, b[k]));
  }
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  return ka.every((k, idx) => k === kb[idx] && jsonEqual(ra[k], rb[k]));
}
