import { onBeforeUnmount, onMounted, ref } from 'vue';

export type ProbeState = 'checking' | 'up' | 'down' | 'unreachable';

export interface ServerStatus {
  /** `/health`: the process answers. */
  live: ProbeState;
  /** `/ready`: database reachable and migrations applied. */
  ready: ProbeState;
  checkedAt: Date | null;
}

async function probe(path: string): Promise<ProbeState> {
  try {
    const response = await fetch(path, { cache: 'no-store' });
    return response.ok ? 'up' : 'down';
  } catch {
    return 'unreachable';
  }
}

/** Polls the unauthenticated probes while the component is mounted. */
export function useServerStatus(intervalMs = 15_000) {
  const status = ref<ServerStatus>({ live: 'checking', ready: 'checking', checkedAt: null });
  let timer: ReturnType<typeof setInterval> | undefined;

  async function refresh(): Promise<void> {
    const [live, ready] = await Promise.all([probe('/health'), probe('/ready')]);
    status.value = { live, ready, checkedAt: new Date() };
  }

  onMounted(() => {
    void refresh();
    timer = setInterval(() => void refresh(), intervalMs);
  });
  onBeforeUnmount(() => clearInterval(timer));

  return { status, refresh };
}
