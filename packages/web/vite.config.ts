import { formatDocument, stringifyDocument } from '@urql/core';
import vue from '@vitejs/plugin-vue';
import { build, defineConfig, type Plugin, type Rollup } from 'vite';
import { BetaDashboardDocument, PhaseRangeDocument } from './src/gql/graphql';

/** The API serves `dist/` at `/`; in `vite dev` the API calls go to a local server on :4000. */
const api = 'http://localhost:4000';

/**
 * Inlines src/first-load-script.ts into the built index.html's head, as a classic script: the
 * browser runs it while it parses the page (ahead of the stylesheet: a script after one waits for
 * it), so a beta dashboard's first queries leave, and its view's chunks load, before the bundle
 * has run (src/first-load.ts says how the app takes the answers). Built by Vite itself from the
 * app's modules, minified into one function, with the two queries printed here by urql as the
 * client prints them. Not in `vite dev`: there the router's prefetch sends them (main.ts).
 */
function inlineFirstLoadScript(): Plugin {
  let code = '';
  return {
    name: 'cortex:inline-first-load-script',
    apply: 'build',
    async buildStart() {
      const output = await build({
        configFile: false,
        root: import.meta.dirname,
        logLevel: 'warn',
        // the two queries as the client sends them: `__typename` added, printed by urql
        define: {
          FIRST_LOAD_QUERIES: JSON.stringify({
            BetaDashboard: stringifyDocument(formatDocument(BetaDashboardDocument)),
            PhaseRange: stringifyDocument(formatDocument(PhaseRangeDocument)),
          }),
        },
        build: {
          write: false,
          minify: true,
          lib: {
            entry: 'src/first-load-script.ts',
            formats: ['iife'],
            name: 'cortexFirstLoad',
          },
        },
      });
      const [result] = Array.isArray(output) ? output : [output];
      const chunk = result && 'output' in result ? result.output[0] : undefined;
      if (!chunk) throw new Error('the first-load script built to nothing');
      code = chunk.code;
    },
    transformIndexHtml: {
      order: 'post',
      handler: (html, { bundle, chunk }) => {
        if (code.includes('</script')) throw new Error('the first-load script would end early');
        const assets = bundle && chunk ? betaViewAssets(bundle, chunk).join(' ') : '';
        // after the charset and title (the charset must stay in the first 1,024 bytes), before
        // the stylesheet and the bundle's tags; a function, or the code's `$'` and `$&` would be
        // read as replacement patterns
        const tag = `<script data-beta-view="${assets}">${code}</script>`;
        return html.replace('</title>', () => `</title>\n    ${tag}`);
      },
    },
  };
}

/**
 * What the beta view needs beyond the entry's own chunks (which index.html preloads already): its
 * chunk, the chunks it imports and their styles, as the page fetches them.
 */
function betaViewAssets(bundle: Rollup.OutputBundle, entry: Rollup.OutputChunk): string[] {
  const chunks = new Map(
    Object.values(bundle).flatMap((c) => (c.type === 'chunk' ? [[c.fileName, c] as const] : [])),
  );
  const closure = (start: Rollup.OutputChunk) => {
    const seen = new Set<Rollup.OutputChunk>();
    const visit = (c: Rollup.OutputChunk | undefined) => {
      if (!c || seen.has(c)) return;
      seen.add(c);
      for (const name of c.imports) visit(chunks.get(name));
    };
    visit(start);
    return seen;
  };
  const view = [...chunks.values()].find((c) =>
    c.facadeModuleId?.endsWith('/src/views/BetaDashboardView.vue'),
  );
  if (!view) throw new Error('no chunk for src/views/BetaDashboardView.vue');
  const loaded = closure(entry);
  const needed = [...closure(view)].filter((c) => !loaded.has(c));
  const css = needed.flatMap((c) => [...(c.viteMetadata?.importedCss ?? [])]);
  return [...needed.map((c) => c.fileName), ...css].map((file) => `/${file}`);
}

export default defineConfig({
  root: import.meta.dirname,
  plugins: [vue(), inlineFirstLoadScript()],
  build: { outDir: 'dist', emptyOutDir: true },
  server: {
    proxy: { '/graphql': api, '/ready': api, '/health': api },
  },
});
