import { Client, type CombinedError, cacheExchange, fetchExchange, mapExchange } from '@urql/vue';
import { useAuth } from './composables/useAuth';
import { authorization, GRAPHQL_URL, takeFirstLoad } from './first-load';
import { shareEnd } from './share';

export const UNAUTHORIZED_MESSAGE =
  'The server no longer accepts your token (401 Unauthorized). Sign in again with an admin or viewer token.';
export const FORBIDDEN_MESSAGE =
  'The server refused a read with this token (403 Forbidden). Sign in with an admin or viewer token.';

/** What the server said about the token, if the error is about the token at all. */
export function tokenProblem(error: CombinedError): 'unauthorized' | 'forbidden' | null {
  if (error.response?.status === 401) return 'unauthorized';
  const codes = error.graphQLErrors.map((e) => e.extensions?.code);
  if (codes.includes('UNAUTHENTICATED')) return 'unauthorized';
  if (codes.includes('FORBIDDEN')) return 'forbidden';
  return null;
}

export function createUrqlClient(): Client {
  const auth = useAuth();
  return new Client({
    url: GRAPHQL_URL,
    preferGetMethod: false,
    fetchOptions: () => authorization(auth.token.value),
    // the first load's queries may have left already, from index.html (first-load.ts)
    fetch: (input, init) => takeFirstLoad(input, init) ?? fetch(input, init),
    exchanges: [
      cacheExchange,
      mapExchange({
        onError(error) {
          // a share link that expired or was revoked ends the shared view, which says so
          if (auth.shared.value) {
            const end = shareEnd(error);
            if (end) auth.endShare(end);
            return;
          }
          // a token that stopped working mid-session (rotated, revoked) ends the session
          if (!auth.signedIn.value) return;
          const problem = tokenProblem(error);
          if (problem === 'unauthorized') auth.signOut(UNAUTHORIZED_MESSAGE);
          else if (problem === 'forbidden') auth.signOut(FORBIDDEN_MESSAGE);
        },
      }),
      fetchExchange,
    ],
  });
}
