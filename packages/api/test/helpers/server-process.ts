import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../../..', import.meta.url));

function newestMtime(dir: string): number {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .reduce((max, e) => Math.max(max, statSync(join(e.parentPath, e.name)).mtimeMs), 0);
}

/**
 * The API's build, when it is newer than every source of the api and events packages (CI builds
 * before testing; starting from JavaScript is several times faster on a loaded machine).
 */
export function freshApiBuild(): string | null {
  const built = join(ROOT, 'packages/api/dist/main.js');
  try {
    const builtAt = Math.min(
      statSync(built).mtimeMs,
      statSync(join(ROOT, 'packages/events/dist/index.js')).mtimeMs,
    );
    const sources = Math.max(
      newestMtime(join(ROOT, 'packages/api/src')),
      newestMtime(join(ROOT, 'packages/events/src')),
    );
    return builtAt > sources ? built : null;
  } catch {
    return null;
  }
}

export interface ServerProcess {
  child: ChildProcess;
  /** Everything it printed on stdout so far. */
  output: () => string;
  /** Resolves when it prints the "running at" banner (rejects if it exits first). */
  ready: Promise<void>;
  /** Resolves with the exit signal or code. */
  exited: Promise<string | number | null>;
}

/**
 * The real API server (`main.ts`) as a child process, so a test can `kill -9` it: from the build
 * when it is fresh (several times faster to start on a loaded machine), else from the sources
 * with tsx as a loader (still one Node process: SIGKILL hits the server itself).
 */
export function startServerProcess(env: Record<string, string>): ServerProcess {
  const built = freshApiBuild();
  const args = built
    ? [built]
    : ['--conditions=source', '--import', 'tsx', 'packages/api/src/main.ts'];
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { ...process.env, LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  let errors = '';
  child.stdout?.on('data', (chunk) => {
    text += String(chunk);
  });
  child.stderr?.on('data', (chunk) => {
    errors += String(chunk);
  });
  const exited = once(child, 'exit').then(([code, signal]) => (signal ?? code) as string | number);
  const ready = new Promise<void>((resolve, reject) => {
    const onData = () => {
      if (text.includes('Cortex Telemetry is running at')) {
        child.stdout?.off('data', onData);
        resolve();
      }
    };
    child.stdout?.on('data', onData);
    void exited.then((how) =>
      reject(new Error(`the server exited (${how}) before listening:\n${text}\n${errors}`)),
    );
  });
  return { child, output: () => text, ready, exited };
}
