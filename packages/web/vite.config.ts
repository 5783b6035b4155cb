import vue from '@vitejs/plugin-vue';
import { defineConfig } from 'vite';

/** The API serves `dist/` at `/`; in `vite dev` the API calls go to a local server on :4000. */
const api = 'http://localhost:4000';

export default defineConfig({
  root: import.meta.dirname,
  plugins: [vue()],
  build: { outDir: 'dist', emptyOutDir: true },
  server: {
    proxy: { '/graphql': api, '/ready': api, '/health': api },
  },
});
