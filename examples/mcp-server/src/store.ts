import { randomUUID } from 'node:crypto';

/**
 * A Cortex-like context store kept in memory: contexts (a root per project, branches under it)
 * holding memories, one of them active, and a pretend cloud copy. Enough for the seven tools to
 * behave like Cortex's — including failing the way Cortex does on an unknown context.
 */
export interface Context {
  id: string;
  name: string;
  projectId: string;
  parentId: string | null;
  autoCreated: boolean;
  memories: string[];
}

export class UnknownContextError extends Error {
  override readonly name = 'UnknownContextError';
  constructor(id: string) {
    super(`context ${id} does not exist; call initialize_context first`);
  }
}

export class ContextStore {
  private readonly contexts = new Map<string, Context>();
  private readonly cloud = new Map<string, Context>();
  private activeId: string | null = null;

  initialize(name: string, projectId: string): Context {
    return this.add({ name, projectId, parentId: null, autoCreated: false });
  }

  branch(parentId: string, name: string, autoCreated: boolean): Context {
    const parent = this.get(parentId);
    return this.add({ name, projectId: parent.projectId, parentId, autoCreated });
  }

  remember(contextId: string, memory: string): Context {
    const context = this.get(contextId);
    context.memories.push(memory);
    this.activeId = context.id;
    return context;
  }

  search(query: string): { contextId: string; memory: string }[] {
    const needle = query.toLowerCase();
    return [...this.contexts.values()].flatMap((c) =>
      c.memories
        .filter((m) => m.toLowerCase().includes(needle))
        .map((memory) => ({ contextId: c.id, memory })),
    );
  }

  active(): Context {
    if (this.activeId === null) throw new UnknownContextError('(active)');
    return this.get(this.activeId);
  }

  pushToCloud(): number {
    for (const c of this.contexts.values()) this.cloud.set(c.id, structuredClone(c));
    return this.cloud.size;
  }

  pullFromCloud(): number {
    for (const c of this.cloud.values()) this.contexts.set(c.id, structuredClone(c));
    return this.cloud.size;
  }

  get(id: string): Context {
    const context = this.contexts.get(id);
    if (!context) throw new UnknownContextError(id);
    return context;
  }

  private add(fields: Omit<Context, 'id' | 'memories'>): Context {
    const context: Context = { id: `ctx_${randomUUID().slice(0, 8)}`, memories: [], ...fields };
    this.contexts.set(context.id, context);
    this.activeId = context.id;
    return context;
  }
}
