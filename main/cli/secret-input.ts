/**
 * Reading a long-lived secret: one line from stdin when stdin is not a terminal, else a prompt
 * on stderr with echo off (raw mode). Never from a flag, argv or the environment, so the secret
 * stays out of shell history, `ps` and the environment of child processes.
 */
import { createInterface } from 'node:readline';
import { invalid } from '../core/errors';

export async function readSecret(prompt: string, input: NodeJS.ReadStream = process.stdin): Promise<string> {
  const secret = input.isTTY ? await promptNoEcho(prompt, input) : await readOneLine(input);
  if (secret === '') {
    throw invalid('no AccessKey secret was given', input.isTTY ? 'type or paste the secret at the prompt' : 'pass the secret as one line on stdin, e.g. from a password manager');
  }
  return secret;
}

/** The first line of a non-terminal stdin (without its line end); '' on immediate end of input. */
function readOneLine(input: NodeJS.ReadStream): Promise<string> {
  return new Promise((resolve) => {
    const rl = createInterface({ input, crlfDelay: Infinity, terminal: false });
    let done = false;
    const finish = (line: string): void => {
      if (done) return;
      done = true;
      rl.close();
      input.pause();
      resolve(line.replace(/\r$/, '').trim());
    };
    rl.once('line', finish);
    rl.once('close', () => finish(''));
  });
}

/** A no-echo prompt in raw mode: Enter ends, Backspace deletes, Ctrl-C aborts (exit 130), Ctrl-U clears. */
function promptNoEcho(prompt: string, input: NodeJS.ReadStream): Promise<string> {
  return new Promise((resolve) => {
    let value = '';
    const wasRaw = input.isRaw;
    // echo off before the prompt appears, so nothing typed after it is echoed
    input.setRawMode(true);
    process.stderr.write(prompt);
    input.resume();
    input.setEncoding('utf8');
    const restore = (): void => {
      input.setRawMode(wasRaw);
      input.pause();
      input.removeListener('data', onData);
      process.stderr.write('\n');
    };
    const onData = (chunk: string): void => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n') {
          restore();
          resolve(value.trim());
          return;
        }
        if (ch === '\u0003') {
          restore();
          process.stderr.write('roletray: cancelled\n');
          process.exit(130);
        }
        if (ch === '\u0004' && value === '') {
          restore();
          resolve('');
          return;
        }
        if (ch === '\u007f' || ch === '\b') value = value.slice(0, -1);
        else if (ch === '\u0015') value = '';
        else if (ch >= ' ') value += ch;
      }
    };
    input.on('data', onData);
  });
}
