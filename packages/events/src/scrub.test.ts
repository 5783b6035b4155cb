import { describe, expect, it } from 'vitest';
import {
  type CustomScrubRule,
  createScrubber,
  parseScrubRules,
  SCRUB_RULE_NAMES,
} from './scrub.js';
import { stackFingerprint } from './stack.js';

const scrubber = createScrubber();
const scrub = (text: string) => {
  const fired = new Set<string>();
  return { text: scrubber.text(text, fired), fired: [...fired].sort() };
};

describe('scrubber: each built-in rule', () => {
  it.each([
    ['mail alice.smith+cortex@example.co.uk now', 'mail [email] now', ['email']],
    ['Authorization: Bearer abc.def-ghi_123456', 'Authorization: Bearer [token]', ['bearer']],
    ['key sk-proj-AbCdEf0123456789xyzXYZ used', 'key [token] used', ['api_key']],
    ['push ghp_0123456789abcdefghijABCDEFGHIJ0123 denied', 'push [token] denied', ['api_key']],
    ['aws AKIAIOSFODNN7EXAMPLE', 'aws [token]', ['api_key']],
    [
      'jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U end',
      'jwt [token] end',
      ['jwt'],
    ],
    [
      'GET /sync?api_key=9f86d081884c7d659a2feaa0c55ad015&x=1',
      'GET /sync?api_key=[secret]&x=1',
      ['secret_param'],
    ],
    ['login password=hunter2 failed', 'login password=[secret] failed', ['secret_param']],
    [
      'postgres://cortex:s3cr3t@db.internal:5432/ctx',
      'postgres://[credentials]@db.internal:5432/ctx',
      ['url_credentials'],
    ],
    [
      'open /home/alice/projects/acme/src/a.ts',
      'open /home/[user]/projects/acme/src/a.ts',
      ['home_path'],
    ],
    ['open /Users/bob.k/dev/x.py', 'open /Users/[user]/dev/x.py', ['home_path']],
    [
      'open C:\\Users\\carol\\AppData\\x.js',
      'open C:\\Users\\[user]\\AppData\\x.js',
      ['home_path'],
    ],
    ['connect 10.0.12.7:5432 refused', 'connect [ip]:5432 refused', ['ip']],
    ['peer 2001:db8::8a2e:370:7334 gone', 'peer [ip] gone', ['ip']],
    ['peer fe80:0:0:0:202:b3ff:fe1e:8329 gone', 'peer [ip] gone', ['ip']],
    ['listening on ::1', 'listening on [ip]', ['ip']],
  ])('%s', (input, expected, fired) => {
    expect(scrub(input)).toEqual({ text: expected, fired });
  });

  it('leaves ordinary text, versions, times, line numbers and namespaces alone', () => {
    for (const text of [
      'search_context returned 3 results',
      'at load (dist/index.js:10:5)',
      'started at 10:00:05 on 2026-11-25',
      'requires node >= 20.19.0',
      'std::vector<int> and A::B::C',
      'token limit reached (max_tokens=4096 is short)',
      'node_modules/@modelcontextprotocol/sdk@1.32.2/dist/server.js',
      'key=ctx_1 already exists',
    ]) {
      expect(scrub(text)).toEqual({ text, fired: [] });
    }
  });
});

describe('scrubber: realistic dirty inputs', () => {
  it('a Python traceback from a home directory with an e-mail in the message', () => {
    const trace = [
      'Traceback (most recent call last):',
      '  File "/home/alice/work/cortex-py/cortex/sync.py", line 88, in push',
      '    client.push(ctx)',
      '  File "/home/alice/.venv/lib/python3.11/site-packages/httpx/_client.py", line 1041, in send',
      'httpx.HTTPStatusError: 403 for alice@acme.dev at https://api.acme.dev/v1/sync',
    ].join('\n');
    const { text, fired } = scrub(trace);
    expect(text).not.toMatch(/alice/);
    expect(text).toContain('File "/home/[user]/work/cortex-py/cortex/sync.py", line 88, in push');
    expect(text).toContain('403 for [email] at https://api.acme.dev/v1/sync');
    expect(fired).toEqual(['email', 'home_path']);
  });

  it('a Node stack with a token in a URL', () => {
    const stack = [
      'FetchError: request to https://cloud.cortex.dev/ctx?access_token=ya29a0AfH6SMBx3f9qL2 failed',
      '    at sync (/Users/bob/cortex/dist/sync.js:12:9)',
    ].join('\n');
    const { text, fired } = scrub(stack);
    expect(text).toBe(
      [
        'FetchError: request to https://cloud.cortex.dev/ctx?access_token=[secret] failed',
        '    at sync (/Users/[user]/cortex/dist/sync.js:12:9)',
      ].join('\n'),
    );
    expect(fired).toEqual(['home_path', 'secret_param']);
  });

  it('metadata with nested secrets: strings at any depth and secret-named keys', () => {
    const fired = new Set<string>();
    const metadata = {
      tool_name: 'sync_to_cloud',
      result_count: 3,
      env: { HOME: '/home/dave', GITHUB_TOKEN: 'ghp_0123456789abcdefghijABCDEFGHIJ0123' },
      headers: [{ authorization: 'Bearer abcdefgh12345678' }, { note: 'from dave@corp.io' }],
      db: { password: 'x', max_tokens: 4096 },
    };
    expect(scrubber.value(metadata, fired)).toEqual({
      tool_name: 'sync_to_cloud',
      result_count: 3,
      env: { HOME: '/home/[user]', GITHUB_TOKEN: '[secret]' },
      headers: [{ authorization: '[secret]' }, { note: 'from [email]' }],
      db: { password: '[secret]', max_tokens: 4096 },
    });
    expect([...fired].sort()).toEqual(['email', 'home_path', 'secret_param']);
    // the input is not changed in place
    expect(metadata.db.password).toBe('x');
    // a Date (GraphQL's coerced timestamp) is a value, not an object to walk
    const at = new Date('2026-11-20T10:00:00.000Z');
    expect(scrubber.value({ at }, new Set())).toEqual({ at });
  });

  it('does not walk JSON nested deeper than any valid item, and does not keep it', () => {
    let deep: unknown = 'alice@acme.dev';
    for (let i = 0; i < 100_000; i++) deep = [deep];
    const out = scrubber.value({ top: 'bob@b.io', deep }, new Set()) as {
      top: string;
      deep: unknown;
    };
    expect(out.top).toBe('[email]');
    let level = out.deep;
    // 64 levels below the top object: 63 arrays, then the marker
    for (let i = 1; i < 64; i++) level = (level as unknown[])[0];
    expect(level).toBe('[not kept: nested too deep]');
  });

  it('the same bug from two users groups together once scrubbed', () => {
    const from = (user: string, mail: string) =>
      scrub(
        `TypeError: no context for ${mail}\n    at load (/home/${user}/cortex/dist/loader.js:4:2)`,
      ).text;
    const a = from('alice', 'alice@acme.dev');
    const b = from('bob', 'bob@other.org');
    expect(a).toBe(b);
    expect(stackFingerprint('TypeError', a)).toBe(stackFingerprint('TypeError', b));
  });
});

describe('scrubber configuration', () => {
  it('SCRUB_RULES: all by default, none, or a list of known names', () => {
    expect(parseScrubRules(undefined)).toEqual([...SCRUB_RULE_NAMES]);
    expect(parseScrubRules('none')).toEqual([]);
    expect(parseScrubRules(' email, ip ')).toEqual(['email', 'ip']);
    // run in the built-in order, whatever the listed order
    expect(parseScrubRules('email,url_credentials')).toEqual(['url_credentials', 'email']);
    const listed = createScrubber({ rules: parseScrubRules('email,url_credentials') });
    expect(listed.text('postgres://cortex:s3cr3t@db.internal/ctx', new Set())).toBe(
      'postgres://[credentials]@db.internal/ctx',
    );
    expect(() => parseScrubRules('email,phone')).toThrow(
      'SCRUB_RULES: unknown rule phone; use all, none or any of url_credentials, jwt, bearer, api_key, secret_param, email, home_path, ip',
    );
  });

  it('runs only the chosen rules', () => {
    const onlyEmail = createScrubber({ rules: ['email'] });
    const fired = new Set<string>();
    expect(onlyEmail.text('alice@acme.dev from 10.0.0.1', fired)).toBe('[email] from 10.0.0.1');
    expect([...fired]).toEqual(['email']);
    const none = createScrubber({ rules: [] });
    expect(none.value({ password: 'x', mail: 'a@b.io' }, new Set())).toEqual({
      password: 'x',
      mail: 'a@b.io',
    });
  });

  it('adds custom rules after the built-in ones and checks them', () => {
    const withTickets = createScrubber({
      custom: [{ name: 'ticket', pattern: 'ACME-\\d+', placeholder: '[ticket]' }],
    });
    const fired = new Set<string>();
    expect(withTickets.text('see ACME-42 and ACME-7', fired)).toBe('see [ticket] and [ticket]');
    expect([...fired]).toEqual(['ticket']);
    expect(() =>
      createScrubber({ custom: [{ name: 'x', pattern: '(', placeholder: '' }] }),
    ).toThrow(/scrub rule "x": pattern is not a valid regular expression/);
    expect(() =>
      createScrubber({ custom: [{ name: 'blank', pattern: 'a*', placeholder: '' }] }),
    ).toThrow('scrub rule "blank": pattern matches the empty string');
    expect(() =>
      createScrubber({ custom: [{ name: 'email', pattern: 'a', placeholder: '' }] }),
    ).toThrow('scrub rule name "email": is a built-in rule\'s name');
    // a rule as read from JSON: every field checked, none written as "undefined"
    const noPlaceholder = { name: 'ticket', pattern: 'ACME-\\d+' } as unknown as CustomScrubRule;
    expect(() => createScrubber({ custom: [noPlaceholder] })).toThrow(
      'scrub rule "ticket": "placeholder" must be a string',
    );
    const noName = { pattern: 'x', placeholder: '[x]' } as unknown as CustomScrubRule;
    expect(() => createScrubber({ custom: [noName] })).toThrow(
      'scrub rule null: "name" must be a string',
    );
  });

  it('writes a custom placeholder as it is, `$&` included', () => {
    const literal = createScrubber({
      rules: [],
      custom: [{ name: 'ticket', pattern: 'ACME-\\d+', placeholder: '[$&]' }],
    });
    expect(literal.text('see ACME-42', new Set())).toBe('see [$&]');
  });
});
