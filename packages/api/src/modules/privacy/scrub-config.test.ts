import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScrubber } from './scrub-config.js';

const file = (content: unknown) => {
  const path = join(mkdtempSync(join(tmpdir(), 'scrub-config-')), 'scrub.json');
  writeFileSync(path, JSON.stringify(content));
  return path;
};

describe('SCRUB_CONFIG', () => {
  it('an empty rule list in the file is no built-in rule, not all of them', () => {
    expect(loadScrubber(undefined, file({ rules: [] })).ruleNames).toEqual([]);
    expect(loadScrubber(undefined, file({ rules: ['ip', 'email'] })).ruleNames).toEqual([
      'email',
      'ip',
    ]);
  });

  it('names SCRUB_CONFIG in every mistake of the file', () => {
    expect(() => loadScrubber(undefined, file({ rules: ['phone'] }))).toThrow(
      'SCRUB_CONFIG: "rules": unknown rule phone; use all, none or any of url_credentials, jwt, bearer, api_key, secret_param, email, home_path, ip',
    );
    expect(() => loadScrubber(undefined, file({ rules: [1] }))).toThrow(
      'SCRUB_CONFIG: "rules" must be a list of rule names',
    );
    expect(() =>
      loadScrubber(undefined, file({ custom: [{ name: 'ticket', pattern: 'ACME-\\d+' }] })),
    ).toThrow('SCRUB_CONFIG: scrub rule "ticket": "placeholder" must be a string');
  });
});
