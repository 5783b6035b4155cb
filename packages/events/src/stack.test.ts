import { describe, expect, it } from 'vitest';
import { FINGERPRINT_FRAMES, stackFingerprint } from './stack.js';

const V8_LINUX = `TypeError: Cannot read properties of undefined (reading 'id')
    at loadContext (/home/alice/cortex/dist/context/loader.js:42:17)
    at async searchContext (/home/alice/cortex/dist/tools/search.js:88:5)
    at async Server.handle (/home/alice/cortex/node_modules/@modelcontextprotocol/sdk/dist/server.js:120:9)`;

// the same bug, another release on another machine: other paths, lines, columns
const V8_WINDOWS = `TypeError: Cannot read properties of undefined (reading 'name')
    at loadContext (C:\\Users\\bob\\AppData\\cortex\\dist\\context\\loader.js:40:3)
    at async searchContext (C:\\Users\\bob\\AppData\\cortex\\dist\\tools\\search.js:91:12)
    at async Server.handle (C:\\Users\\bob\\AppData\\cortex\\node_modules\\@modelcontextprotocol\\sdk\\dist\\server.js:131:1)`;

const V8_ESM = `TypeError: Cannot read properties of undefined (reading 'id')
    at loadContext (file:///srv/app/releases/2026-01-15/dist/context/loader.js:44:1)
    at async searchContext (file:///srv/app/releases/2026-01-15/dist/tools/search.js:80:2)
    at async Server.handle (file:///srv/app/releases/2026-01-15/node_modules/.pnpm/@modelcontextprotocol+sdk@1.2.0/node_modules/@modelcontextprotocol/sdk/dist/server.js:99:9)`;

const EXPECTED_V8 = [
  'TypeError',
  'loadContext loader.js',
  'async searchContext search.js',
  'async Server.handle node_modules/@modelcontextprotocol/sdk/dist/server.js',
].join('\n');

describe('stackFingerprint: V8 frames', () => {
  it('keeps the type and the frames without lines, columns and absolute prefixes', () => {
    expect(stackFingerprint('TypeError', V8_LINUX)).toBe(EXPECTED_V8);
  });

  it('gives the same fingerprint from another absolute path, OS and release', () => {
    expect(stackFingerprint('TypeError', V8_WINDOWS)).toBe(EXPECTED_V8);
    expect(stackFingerprint('TypeError', V8_ESM)).toBe(EXPECTED_V8);
  });

  it('does not depend on the message in the first line', () => {
    const other = V8_LINUX.replace("reading 'id'", 'connect to postgres@db.internal:5432 failed');
    expect(stackFingerprint('TypeError', other)).toBe(EXPECTED_V8);
  });

  it('reads frames without a function name', () => {
    expect(stackFingerprint('Error', 'Error: x\n    at /home/alice/app/main.js:3:9')).toBe(
      'Error\n? main.js',
    );
  });

  it('ignores the bundle hash, query string and host of browser bundles', () => {
    const build = (file: string, line: number) =>
      `Error: boom\n    at loadContext (https://app.cortex.dev/assets/${file}?v=${line}:1:${line})\n    at HTMLButtonElement.onClick (https://app.cortex.dev/assets/${file}:1:${line + 7})`;
    const expected = 'Error\nloadContext index.js\nHTMLButtonElement.onClick index.js';
    expect(stackFingerprint('Error', build('index-3f9a2c1b.js', 100))).toBe(expected);
    expect(stackFingerprint('Error', build('index-9b8c7d6e5f.js', 2000))).toBe(expected);
    // Vite / Rollup hashes are base64url, not hex
    expect(stackFingerprint('Error', build('index-BPvgi06x.js', 300))).toBe(expected);
    expect(stackFingerprint('Error', build('index-Cz_J0-L3.js', 400))).toBe(expected);
    expect(stackFingerprint('Error', build('index.a1b2c3d4.js', 500))).toBe(expected);
    expect(stackFingerprint('Error', build('index.js', 600))).toBe(expected);
  });

  it('keeps ordinary hyphenated file names', () => {
    expect(stackFingerprint('Error', '    at f (/a/use-settings.js:1:1)')).toBe(
      'Error\nf use-settings.js',
    );
    expect(stackFingerprint('Error', '    at f (/a/context-loader.js:1:1)')).toBe(
      'Error\nf context-loader.js',
    );
  });

  it('reads webpack:// source-mapped locations', () => {
    expect(stackFingerprint('Error', '    at f (webpack://cortex/./src/tools/search.ts:8:2)')).toBe(
      'Error\nf search.ts',
    );
  });

  it('reads CRLF line endings', () => {
    expect(stackFingerprint('TypeError', V8_LINUX.replace(/\n/g, '\r\n'))).toBe(EXPECTED_V8);
  });
});

describe('stackFingerprint: what tells bugs apart', () => {
  it('differs for another function name', () => {
    const other = V8_LINUX.replace('at loadContext', 'at saveContext');
    expect(stackFingerprint('TypeError', other)).not.toBe(EXPECTED_V8);
  });

  it('differs for another error type', () => {
    expect(stackFingerprint('RangeError', V8_LINUX)).not.toBe(
      stackFingerprint('TypeError', V8_LINUX),
    );
  });

  it('differs for another file name', () => {
    const other = V8_LINUX.replace('loader.js', 'writer.js');
    expect(stackFingerprint('TypeError', other)).not.toBe(EXPECTED_V8);
  });

  it('trims the error type', () => {
    expect(stackFingerprint('  TypeError ', V8_LINUX)).toBe(EXPECTED_V8);
  });
});

describe('stackFingerprint: only the top 5 frames count', () => {
  const frames = (names: string[]) =>
    ['Error: deep', ...names.map((n, i) => `    at ${n} (/srv/app/${n}.js:${i + 1}:1)`)].join('\n');
  const seven = ['a', 'b', 'c', 'd', 'e', 'f', 'g'];

  it('keeps exactly five', () => {
    expect(FINGERPRINT_FRAMES).toBe(5);
    expect(stackFingerprint('Error', frames(seven))).toBe(
      'Error\na a.js\nb b.js\nc c.js\nd d.js\ne e.js',
    );
  });

  it('ignores changes below the fifth frame', () => {
    expect(stackFingerprint('Error', frames(['a', 'b', 'c', 'd', 'e', 'x', 'y', 'z']))).toBe(
      stackFingerprint('Error', frames(seven)),
    );
  });

  it('sees a change in the fifth frame', () => {
    expect(stackFingerprint('Error', frames(['a', 'b', 'c', 'd', 'x', 'f', 'g']))).not.toBe(
      stackFingerprint('Error', frames(seven)),
    );
  });
});

describe('stackFingerprint: Firefox / Safari frames', () => {
  const firefox = (hash: string, line: number) =>
    [
      `loadContext@https://app.cortex.dev/assets/index-${hash}.js:1:${line}`,
      `searchContext/<@https://app.cortex.dev/assets/index-${hash}.js:1:${line + 50}`,
      `@https://app.cortex.dev/assets/index-${hash}.js:1:${line + 99}`,
    ].join('\n');
  const expected = 'TypeError\nloadContext index.js\nsearchContext/< index.js\n? index.js';

  it('reads function@location frames', () => {
    expect(stackFingerprint('TypeError', firefox('3f9a2c1b', 100))).toBe(expected);
  });

  it('groups across releases and line numbers', () => {
    expect(stackFingerprint('TypeError', firefox('a1b2c3d4e5', 900))).toBe(expected);
    expect(stackFingerprint('TypeError', firefox('DiwrgT9a', 5))).toBe(expected);
  });

  it('reads CRLF line endings', () => {
    expect(stackFingerprint('TypeError', firefox('3f9a2c1b', 100).replace(/\n/g, '\r\n'))).toBe(
      expected,
    );
  });

  it('reads Safari global code frames', () => {
    expect(stackFingerprint('Error', 'global code@http://localhost:5173/src/main.ts:3:10')).toBe(
      'Error\nglobal code main.ts',
    );
  });
});

describe('stackFingerprint: Python frames', () => {
  const python = (home: string, lines: number[]) => `Traceback (most recent call last):
  File "${home}/cortex/server.py", line ${lines[0]}, in handle
    result = search(query)
  File "${home}/cortex/core/search.py", line ${lines[1]}, in search
    return load(ctx)
  File "${home}/cortex/core/loader.py", line ${lines[2]}, in load
    raise KeyError(ctx)
KeyError: 'abc'`;
  const expected = 'KeyError\nload loader.py\nsearch search.py\nhandle server.py';

  it('reads File "…", line N, in fn frames, most recent call first', () => {
    expect(stackFingerprint('KeyError', python('/home/alice', [120, 88, 42]))).toBe(expected);
  });

  it('groups across machines and line numbers', () => {
    expect(stackFingerprint('KeyError', python('C:\\Users\\bob', [130, 90, 40]))).toBe(expected);
    expect(
      stackFingerprint('KeyError', python('/home/alice', [1, 2, 3]).replace(/\n/g, '\r\n')),
    ).toBe(expected);
  });

  it('keeps the five most recent calls (the last five printed)', () => {
    const outer = ['main', 'run', 'dispatch', 'handle', 'search', 'load', 'parse'];
    const trace = (names: string[]) =>
      [
        'Traceback (most recent call last):',
        ...names.map((n, i) => `  File "/srv/app/${n}.py", line ${i + 1}, in ${n}`),
        'ValueError: bad',
      ].join('\n');
    expect(stackFingerprint('ValueError', trace(outer))).toBe(
      'ValueError\nparse parse.py\nload load.py\nsearch search.py\nhandle handle.py\ndispatch dispatch.py',
    );
    // another entry point reaching the same bug: same group
    expect(
      stackFingerprint(
        'ValueError',
        trace(['cli', 'run2', 'dispatch', 'handle', 'search', 'load', 'parse']),
      ),
    ).toBe(stackFingerprint('ValueError', trace(outer)));
  });
});

describe('stackFingerprint: no stack', () => {
  it('is just the type', () => {
    expect(stackFingerprint('TypeError', null)).toBe('TypeError');
    expect(stackFingerprint('TypeError', '')).toBe('TypeError');
    expect(stackFingerprint('TypeError', 'TypeError: only a message')).toBe('TypeError');
  });
});
