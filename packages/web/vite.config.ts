import vue from '@vitejs/plugin-vue';
import { build, defineConfig, type Plugin } from 'vite';

/** The API serves `dist/` at `/`; in `vite dev` the API calls go to a local server on :4000. */
const api = 'http://localhost:4000';

/**
 * Inlines src/first-load-script.ts into the built index.html's head, as a classic script: the
 * browser runs it while it parses the page, so a beta dashboard's first queries leave before the
 * bundle has loaded (src/first-load.ts says how the app takes their answers). Built by Vite itself
 * from the same modules as the app, minified into one function. Not in `vite dev`: there the
 * router's prefetch sends them (main.ts).
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
        define: { 'process.env.NODE_ENV': JSON.stringify('production') },
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
    transformIndexHtml: () => [{ tag: 'script', children: code, injectTo: 'head' }],
  };
}

export default defineConfig({
  root: import.meta.dirname,
  plugins: [vue(), inlineFirstLoadScript()],
  build: { outDir: 'dist', emptyOutDir: true },
  server: {
    proxy: { '/graphql': api, '/ready': api, '/health': api },
  },
});
