import { sendFirstLoad } from './first-load';

/**
 * The script vite.config.ts inlines into index.html's head: it runs while the page is parsed,
 * before the bundle loads. It must never break the page: on any error the app sends the queries
 * itself, as it does on every later navigation.
 */
try {
  sendFirstLoad();
} catch {
  // the router's prefetch (main.ts) sends them
}
