import { readFile } from 'node:fs/promises';

/**
 * Reads a V8 `.cpuprofile` (node --cpu-prof) and says where the server's CPU went: self time
 * per area of the stack (GraphQL, zod, pg, MikroORM, …) and the top functions by self time.
 */
interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** First match wins: more specific packages before the broad ones. */
const AREAS: [area: string, test: (url: string, fn: string) => boolean][] = [
  ['idle (waiting for I/O)', (_u, f) => f === '(idle)'],
  // the inspector handing the profile over (Profiler.stop): the bench's cost, not the server's
  ['idle (the profiler itself)', (u, f) => u === '' && f === 'dispatch'],
  ['garbage collection', (_u, f) => f === '(garbage collector)'],
  ['zod (item rules)', (u) => u.includes('/zod/')],
  ['events package (schemas, helpers)', (u) => u.includes('packages/events/')],
  ['graphql-js (parse/validate/coerce/execute)', (u) => u.includes('/graphql/')],
  [
    'yoga/envelop/whatwg-node (HTTP→GraphQL)',
    (u) =>
      /graphql-yoga|envelop|whatwg-node|graphql-armor|@graphql-tools|graphql-scalars|@pothos/.test(
        u,
      ),
  ],
  ['pg driver + protocol', (u) => /\/pg(-protocol|-pool|-types)?\//.test(u)],
  ['MikroORM + knex', (u) => /@mikro-orm|\/knex\//.test(u)],
  ['api service code (rows, hashing)', (u) => u.includes('packages/api/src/')],
  [
    'node internals (http, streams, net)',
    (u) => u.startsWith('node:') || u.startsWith('internal/'),
  ],
  ['native/builtin (JSON, regex, program)', (u) => u === ''],
];

export interface ProfileSummary {
  totalMs: number;
  areas: { area: string; ms: number; share: number }[];
  top: { fn: string; where: string; ms: number; share: number; caller: string }[];
}

export async function summariseProfile(path: string, top = 12): Promise<ProfileSummary> {
  const profile = JSON.parse(await readFile(path, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  // who calls what: a builtin or generated function (no url) is told apart by its caller
  const parentOf = new Map<number, ProfileNode>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parentOf.set(c, n);
  const label = (n: ProfileNode | undefined) =>
    n
      ? `${n.callFrame.functionName || '(anonymous)'} ${n.callFrame.url.replace(/^.*node_modules\/(\.pnpm\/[^/]+\/node_modules\/)?/, '').replace(/^file:\/\/.*\/packages\//, 'packages/')}:${n.callFrame.lineNumber + 1}`
      : '';
  const callerUs = new Map<string, Map<string, number>>();
  const selfUs = new Map<number, number>();
  profile.samples.forEach((id, i) => {
    selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  });
  const areaUs = new Map<string, number>();
  const fnUs = new Map<string, number>();
  let totalUs = 0;
  for (const [id, us] of selfUs) {
    const node = byId.get(id);
    if (!node) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    const fn = functionName || '(anonymous)';
    const area = AREAS.find(([, test]) => test(url, fn))?.[0] ?? 'other';
    areaUs.set(area, (areaUs.get(area) ?? 0) + us);
    const where = url
      ? `${url.replace(/^.*node_modules\/(\.pnpm\/[^/]+\/node_modules\/)?/, '').replace(/^file:\/\/.*\/packages\//, 'packages/')}:${lineNumber + 1}`
      : '';
    const key = `${fn}\u0000${where}`;
    fnUs.set(key, (fnUs.get(key) ?? 0) + us);
    const callers = callerUs.get(key) ?? new Map<string, number>();
    const caller = label(parentOf.get(id));
    callers.set(caller, (callers.get(caller) ?? 0) + us);
    callerUs.set(key, callers);
    totalUs += us;
  }
  const share = (us: number) => us / Math.max(1, totalUs);
  return {
    totalMs: totalUs / 1000,
    areas: [...areaUs]
      .map(([area, us]) => ({ area, ms: us / 1000, share: share(us) }))
      .sort((a, b) => b.ms - a.ms),
    top: [...fnUs]
      .filter(([key]) => !key.startsWith('(idle)') && key !== 'dispatch\u0000')
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([key, us]) => {
        const [fn = '', where = ''] = key.split('\u0000');
        const callers = [...(callerUs.get(key) ?? [])].sort((a, b) => b[1] - a[1]);
        return { fn, where, ms: us / 1000, share: share(us), caller: callers[0]?.[0] ?? '' };
      }),
  };
}
