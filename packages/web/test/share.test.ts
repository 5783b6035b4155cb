import { CombinedError } from '@urql/vue';
import { GraphQLError } from 'graphql';
import { describe, expect, it } from 'vitest';
import { SHARE_PAGES } from '../../api/src/modules/shared/access.js';
import { isShareablePage, pageOf, SHAREABLE_PAGES, shareEnd } from '../src/share';

const refused = (code: string) =>
  new CombinedError({ graphQLErrors: [new GraphQLError('no', { extensions: { code } })] });

describe('share links in the dashboard', () => {
  it('offers Share on exactly the pages the server lets a link open', () => {
    expect([...SHAREABLE_PAGES]).toEqual(Object.keys(SHARE_PAGES));
    expect(['/failed', '/live', '/alerts', '/sign-in'].filter(isShareablePage)).toEqual([]);
    expect(pageOf('/open-beta?days=30&channel=web')).toBe('/open-beta');
  });

  it("reads the end of a shared view from the server's code", () => {
    expect(shareEnd(refused('SHARE_LINK_EXPIRED'))).toBe('expired');
    expect(shareEnd(refused('SHARE_LINK_REVOKED'))).toBe('revoked');
    expect(shareEnd(refused('UNAUTHENTICATED'))).toBe('invalid');
    // a page's own refusal or a failed read does not end the view
    expect(shareEnd(refused('FORBIDDEN'))).toBeNull();
    expect(shareEnd(refused('QUERY_TIMEOUT'))).toBeNull();
  });
});
