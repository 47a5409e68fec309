#!/usr/bin/env node
// Generates RoleTray's tray and app icons as PNG files in assets/ (committed; rerun after edits).
// Pure Node: shapes are signed-distance functions, anti-aliased by 4x4 supersampling, and the
// PNGs are written by hand (IHDR/IDAT/IEND, zlib-deflated RGBA, CRC-32).
//
//   tray*.png                 16 px (+ @2x 32 px), coloured, for Windows and Linux
//   tray*Template.png         16 px (+ @2x), black + alpha: macOS menu-bar template images
//   states: tray (normal), tray-expiring (clock badge), tray-error (cross badge)
//   icon.png                  512 px app icon (electron-builder derives .icns/.ico from it)
//
// Usage: node scripts/make-icons.mjs [outDir]
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';

// ------------------------------------------------------------------ PNG encoding

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

export function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

/** Encodes straight (non-premultiplied) RGBA pixels as an 8-bit RGBA PNG. */
export function encodePng(width, height, rgba) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // colour type RGBA
  ihdr[10] = 0; // deflate
  ihdr[11] = 0; // adaptive filtering
  ihdr[12] = 0; // no interlace
  const stride = width * 4;
  const raw = Buffer.alloc((stride + 1) * height);
  for (let y = 0; y < height; y++) {
    raw[y * (stride + 1)] = 0; // filter: none
    rgba.copy(raw, y * (stride + 1) + 1, y * stride, (y + 1) * stride);
  }
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([signature, chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw, { level: 9 })), chunk('IEND', Buffer.alloc(0))]);
}

// ------------------------------------------------------------------ shapes (units: a 16x16 canvas)

const circle = (cx, cy, r) => (x, y) => Math.hypot(x - cx, y - cy) - r;
const rect = (x0, y0, x1, y1, r = 0) => (x, y) => {
  const hx = (x1 - x0) / 2 - r;
  const hy = (y1 - y0) / 2 - r;
  const dx = Math.abs(x - (x0 + x1) / 2) - hx;
  const dy = Math.abs(y - (y0 + y1) / 2) - hy;
  return Math.hypot(Math.max(dx, 0), Math.max(dy, 0)) + Math.min(Math.max(dx, dy), 0) - r;
};
const capsule = (ax, ay, bx, by, hw) => (x, y) => {
  const px = x - ax;
  const py = y - ay;
  const vx = bx - ax;
  const vy = by - ay;
  const h = Math.max(0, Math.min(1, (px * vx + py * vy) / (vx * vx + vy * vy)));
  return Math.hypot(px - vx * h, py - vy * h) - hw;
};
const union = (...fs) => (x, y) => Math.min(...fs.map((f) => f(x, y)));
const subtract = (a, b) => (x, y) => Math.max(a(x, y), -b(x, y));
/** Scales a shape by s around (cx, cy). */
const scaled = (f, s, cx, cy) => (x, y) => f((x - cx) / s + cx, (y - cy) / s + cy) * s;

const BADGE = { cx: 12.25, cy: 12.25, r: 3.75, gap: 1 };

/** The key: a round bow with a hole, a shaft, two teeth. */
function key() {
  const bow = subtract(circle(5, 8, 4.25), circle(5, 8, 1.75));
  const shaft = rect(8.5, 7, 15.5, 9, 0.5);
  const teeth = union(rect(11.5, 8.5, 13, 11.5, 0.4), rect(14, 8.5, 15.5, 12, 0.4));
  return union(bow, shaft, teeth);
}

const badgeDisc = () => circle(BADGE.cx, BADGE.cy, BADGE.r);
const badgeGap = () => circle(BADGE.cx, BADGE.cy, BADGE.r + BADGE.gap);
function clockHands() {
  const { cx, cy } = BADGE;
  return union(capsule(cx, cy, cx, cy - 2.2, 0.5), capsule(cx, cy, cx + 1.7, cy, 0.5));
}
function cross() {
  const { cx, cy } = BADGE;
  const d = 1.45;
  return union(capsule(cx - d, cy - d, cx + d, cy + d, 0.55), capsule(cx + d, cy - d, cx - d, cy + d, 0.55));
}

// ------------------------------------------------------------------ rasteriser

const SS = 4;

/**
 * Renders layers onto a transparent size x size canvas. A layer is { shape, color: [r,g,b,a] |
 * (x,y)=>[r,g,b,a] } painted over, or { shape, erase: true } which clears what is under it.
 */
export function render(size, layers, units = 16) {
  const out = Buffer.alloc(size * size * 4);
  const scale = size / units;
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      // premultiplied accumulation
      let r = 0;
      let g = 0;
      let b = 0;
      let a = 0;
      for (const layer of layers) {
        let hits = 0;
        for (let sy = 0; sy < SS; sy++) {
          for (let sx = 0; sx < SS; sx++) {
            const x = (px + (sx + 0.5) / SS) / scale;
            const y = (py + (sy + 0.5) / SS) / scale;
            if (layer.shape(x, y) <= 0) hits++;
          }
        }
        if (hits === 0) continue;
        const cov = hits / (SS * SS);
        if (layer.erase) {
          r *= 1 - cov;
          g *= 1 - cov;
          b *= 1 - cov;
          a *= 1 - cov;
          continue;
        }
        const c = typeof layer.color === 'function' ? layer.color((px + 0.5) / scale, (py + 0.5) / scale) : layer.color;
        const la = (c[3] / 255) * cov;
        r = (c[0] / 255) * la + r * (1 - la);
        g = (c[1] / 255) * la + g * (1 - la);
        b = (c[2] / 255) * la + b * (1 - la);
        a = la + a * (1 - la);
      }
      const i = (py * size + px) * 4;
      if (a > 0) {
        out[i] = Math.round((r / a) * 255);
        out[i + 1] = Math.round((g / a) * 255);
        out[i + 2] = Math.round((b / a) * 255);
        out[i + 3] = Math.round(a * 255);
      }
    }
  }
  return out;
}

// ------------------------------------------------------------------ icon designs

const ORANGE = [255, 106, 0, 255];
const AMBER = [255, 197, 61, 255];
const RED = [229, 72, 77, 255];
const INK = [32, 32, 36, 255];
const WHITE = [255, 255, 255, 255];
const BLACK = [0, 0, 0, 255];

/** Layers of a tray icon for a state; template = black-and-alpha for the macOS menu bar. */
export function trayLayers(state, template) {
  const k = key();
  if (state === 'normal') return [{ shape: k, color: template ? BLACK : ORANGE }];
  const symbol = state === 'expiring' ? clockHands() : cross();
  const keyWithGap = subtract(k, badgeGap());
  if (template) {
    return [
      { shape: keyWithGap, color: BLACK },
      { shape: badgeDisc(), color: BLACK },
      { shape: symbol, erase: true },
    ];
  }
  const badge = state === 'expiring' ? AMBER : RED;
  return [
    { shape: keyWithGap, color: ORANGE },
    { shape: badgeDisc(), color: badge },
    { shape: symbol, color: state === 'expiring' ? INK : WHITE },
  ];
}

/** The app icon: a white key on an orange rounded square with a vertical gradient. */
export function appIconLayers() {
  const top = [255, 128, 32];
  const bottom = [226, 84, 0];
  const gradient = (_x, y) => {
    const t = Math.max(0, Math.min(1, (y - 1) / 14));
    return [0, 1, 2].map((i) => Math.round(top[i] + (bottom[i] - top[i]) * t)).concat(255);
  };
  return [
    { shape: rect(1, 1, 15, 15, 3.2), color: gradient },
    { shape: scaled(key(), 0.72, 8.15, 8), color: WHITE },
  ];
}

export function makeIcons(outDir) {
  mkdirSync(outDir, { recursive: true });
  const written = [];
  const write = (name, size, layers) => {
    writeFileSync(path.join(outDir, name), encodePng(size, size, render(size, layers)));
    written.push(name);
  };
  for (const state of ['normal', 'expiring', 'error']) {
    const base = state === 'normal' ? 'tray' : `tray-${state}`;
    for (const template of [false, true]) {
      const name = `${base}${template ? 'Template' : ''}`;
      write(`${name}.png`, 16, trayLayers(state, template));
      write(`${name}@2x.png`, 32, trayLayers(state, template));
    }
  }
  write('icon.png', 512, appIconLayers());
  return written;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
  const outDir = path.resolve(process.argv[2] ?? path.join(root, 'assets'));
  const files = makeIcons(outDir);
  console.log(`wrote ${files.length} icons to ${path.relative(process.cwd(), outDir) || '.'}`);
}
