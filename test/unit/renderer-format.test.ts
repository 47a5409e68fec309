import { describe, expect, it } from 'vitest';
import { countdownText, describeRemaining, formatDurationSeconds, formatRemaining, lifeFraction, maskAccessKeyId } from '../../renderer/format';

const S = 1000;
const M = 60 * S;
const H = 60 * M;

describe('formatRemaining', () => {
  it.each([
    [42 * M + 17 * S, '42:17'],
    [42 * M + 17 * S + 999, '42:17'],
    [59 * M + 59 * S + 999, '59:59'],
    [H, '1h 0m'],
    [5 * H + 12 * M + 59 * S, '5h 12m'],
    [12 * H, '12h 0m'],
    [5 * M + 3 * S, '5:03'],
    [59 * S, '0:59'],
    [1 * S, '0:01'],
    [999, '0:00'],
    [0, '0:00'],
    [-5 * S, '0:00'],
    [Number.NaN, '—'],
    [Number.POSITIVE_INFINITY, '—'],
  ])('%d ms -> %s', (ms, text) => {
    expect(formatRemaining(ms)).toBe(text);
  });
});

describe('countdownText', () => {
  it('is a dash without a session and the formatted remainder otherwise', () => {
    expect(countdownText(null, 0)).toBe('—');
    expect(countdownText(10 * M, 0)).toBe('10:00');
    expect(countdownText(10 * M, 1)).toBe('9:59');
  });
});

describe('describeRemaining', () => {
  it.each([
    [42 * M + 17 * S, '42 minutes 17 seconds left'],
    [2 * H + 1 * M + 5 * S, '2 hours 1 minute left'],
    [1 * S, '1 second left'],
    [0, 'expired'],
    [Number.NaN, 'no session'],
  ])('%d ms -> %s', (ms, text) => {
    expect(describeRemaining(ms)).toBe(text);
  });
});

describe('lifeFraction', () => {
  it.each([
    [0, 3600 * S, 0, 1],
    [0, 3600 * S, 1800 * S, 0.5],
    [0, 3600 * S, 3600 * S, 0],
    [0, 3600 * S, 4000 * S, 0],
    [null, 3600 * S, 0, 1],
    [0, null, 0, 0],
    [1000 * S, 1000 * S, 0, 1],
  ] as const)('issued %s expires %s at %s -> %s', (issued, expires, now, f) => {
    expect(lifeFraction(issued, expires, now)).toBeCloseTo(f);
  });
});

describe('formatDurationSeconds', () => {
  it.each([
    [900, '15 min'],
    [3600, '1 h'],
    [5400, '1 h 30 min'],
    [43200, '12 h'],
    [61, '1 min 1 s'],
    [0, ''],
  ])('%d s -> %s', (s, text) => {
    expect(formatDurationSeconds(s)).toBe(text);
  });
});

describe('maskAccessKeyId', () => {
  it('keeps the first and last four characters', () => {
    expect(maskAccessKeyId('RTSANDBOX0USER0001')).toBe('RTSA…0001');
    expect(maskAccessKeyId('SHORT')).toBe('SHORT');
  });
});
