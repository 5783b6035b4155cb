/**
 * Error grouping (docs/api.md#pipelines `stack_hash`): the same bug must group together across releases and
 * machines, so the fingerprint keeps the error type and the top frames but drops line/column
 * numbers, absolute path prefixes, query strings and bundle hashes. The caller hashes it.
 */
export const FINGERPRINT_FRAMES = 5;

const V8_FRAME = /^\s*at\s+(?:(.*?)\s+\()?(.*?)\)?\s*$/;
const FIREFOX_FRAME = /^\s*(.*?)@(.*)$/;
const PYTHON_FRAME = /^\s*File\s+"(.*?)",\s+line\s+\d+(?:,\s+in\s+(.*))?$/;

function normalisePath(location: string): string {
  const path = location
    .replace(/:\d+(?::\d+)?$/, '')
    .replace(/^(?:file|webpack|https?):\/\/[^/]*/, '')
    .replace(/[?#].*$/, '')
    // before the node_modules cut, so a Windows machine groups with the others
    .replace(/\\/g, '/');
  const nodeModules = path.lastIndexOf('node_modules/');
  if (nodeModules >= 0) return path.slice(nodeModules);
  const base = path.slice(path.lastIndexOf('/') + 1);
  // bundlers add content hashes (webpack `main.3f9a2c1b.js`, Vite/Rollup `index-BPvgi06x.js`):
  // a new release must not split the group
  return base
    .replace(/[-.][0-9a-f]{6,}(?=\.\w+$)/i, '')
    .replace(/[-.](?=[\w-]{0,7}[0-9A-Z])[\w-]{8}(?=\.\w+$)/, '');
}

type Frame = { text: string; python: boolean };

function normaliseFrame(line: string): Frame | null {
  const python = PYTHON_FRAME.exec(line);
  if (python) {
    return { text: `${python[2]?.trim() ?? '?'} ${normalisePath(python[1] ?? '')}`, python: true };
  }
  const v8 = V8_FRAME.exec(line);
  if (v8 && /^\s*at\s/.test(line)) {
    return { text: `${v8[1]?.trim() || '?'} ${normalisePath(v8[2] ?? '')}`, python: false };
  }
  const firefox = FIREFOX_FRAME.exec(line);
  // a V8 first line (`Error: no route to db@host:5432`) is the message, not a frame
  if (firefox && /:\d+/.test(firefox[2] ?? '') && !/:\s/.test(firefox[1] ?? '')) {
    return {
      text: `${firefox[1]?.trim() || '?'} ${normalisePath(firefox[2] ?? '')}`,
      python: false,
    };
  }
  return null;
}

/** The text hashed into `stack_hash`: error type plus up to five normalised frames. */
export function stackFingerprint(errorType: string, stackTrace: string | null): string {
  const frames = (stackTrace ?? '')
    .split(/\r?\n/)
    .map(normaliseFrame)
    .filter((frame): frame is Frame => frame !== null);
  // Python prints the most recent call last: its top frames are at the bottom
  const top = frames.some((frame) => frame.python)
    ? frames
        .filter((frame) => frame.python)
        .slice(-FINGERPRINT_FRAMES)
        .reverse()
    : frames.slice(0, FINGERPRINT_FRAMES);
  return [errorType.trim(), ...top.map((frame) => frame.text)].join('\n');
}
