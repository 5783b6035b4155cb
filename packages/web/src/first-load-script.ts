import { type FirstLoadOperation, sendFirstLoad } from './first-load';

/** The two queries as the client prints them; vite.config.ts prints them at build time. */
declare const FIRST_LOAD_QUERIES: Record<FirstLoadOperation, string>;

/**
 * The script vite.config.ts inlines into index.html's head: it runs while the page is parsed,
 * before the bundle loads. Its tag lists the beta view's chunks in `data-beta-view`. It must
 * never break the page: on any error the app sends the queries itself, as it does on every later
 * navigation.
 */
try {
  const assets = document.currentScript?.dataset.betaView ?? '';
  sendFirstLoad(FIRST_LOAD_QUERIES, assets.split(' ').filter(Boolean));
} catch {
  // the router's prefetch (main.ts) sends them
}
