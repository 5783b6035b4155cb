/**
 * Error grouping (SPEC §3 `stack_hash`): the same bug must group together across releases and
 * machines, so the fingerprint keeps the error type and the top frames but drops line/column
 * numbers, absolute path prefixes, query strings and bundle hashes. The caller hashes it.
 */
export const FINGERPRINT_FRAMES = 5;

const V8_FRAME = /^\s*at\s+(?:(.*?)\s+\()?(.*?)\)?\s*$/;
const FIREFOX_FRAME = /^\s*(.*?)@(.*)$/;
const PYTHON_FRAME = /^\s*File\s+"(.*?)",\s+line\s+\d+(?:,\s+in\s+(.*))?$/;

function normalisePath(location: string): string {
  let path = location
    .replace(/:\d+(?::\d+)?$/, '')
    .replace(/^(?:file|webpack|https?):\/\/[^/]*/, '')
    .replace(/[?#].*$/, '');
  const nodeModules = path.lastIndexOf('node_modules/');
  if (nodeModules >= 0) return path.slice(nodeModules);
  path = path.replace(/\\/g, '/');
  const base = path.slice(path.lastIndexOf('/') + 1);
  // bundlers add content hashes (`index-3f9a2c1b.js`): a new release must not split the group
  return base.replace(/[-.][0-9a-f]{6,}(?=\.\w+$)/i, '');
}

function normaliseFrame(line: string): string | null {
  const python = PYTHON_FRAME.exec(line);
  if (python) return `${python[2]?.trim() ?? '?'} ${normalisePath(python[1] ?? '')}`;
  const v8 = V8_FRAME.exec(line);
  if (v8 && /^\s*at\s/.test(line)) {
    return `${v8[1]?.trim() || '?'} ${normalisePath(v8[2] ?? '')}`;
  }
  const firefox = FIREFOX_FRAME.exec(line);
  if (firefox && /:\d+/.test(firefox[2] ?? '')) {
    return `${firefox[1]?.trim() || '?'} ${normalisePath(firefox[2] ?? '')}`;
  }
  return null;
}

/** The text hashed into `stack_hash`: error type plus up to five normalised frames. */
export function stackFingerprint(errorType: string, stackTrace: string | null): string {
  const frames: string[] = [];
  for (const line of (stackTrace ?? '').split('\n')) {
    const frame = normaliseFrame(line);
    if (frame) frames.push(frame);
    if (frames.length === FINGERPRINT_FRAMES) break;
  }
  return [errorType.trim(), ...frames].join('\n');
}
