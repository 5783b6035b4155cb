/** What the root global setup hands every test file. */
declare module 'vitest' {
  interface ProvidedContext {
    databaseUrl: string;
  }
}

export {};
