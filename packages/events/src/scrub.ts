/**
 * Scrubbing at ingest (docs/privacy.md): what developers type reaches error messages, stack
 * traces and metadata — e-mail addresses, tokens, home-directory names, addresses. Each rule
 * replaces what it finds with a typed placeholder and is named, so an item can record which
 * rules fired and the team can count them. Pure and synchronous: it runs on the ingest path.
 */

/** The built-in rules, in the order they run (a JWT is found before the `token=` rule sees it). */
export const SCRUB_RULE_NAMES = [
  'url_credentials',
  'jwt',
  'bearer',
  'api_key',
  'secret_param',
  'email',
  'home_path',
  'ip',
] as const;
export type ScrubRuleName = (typeof SCRUB_RULE_NAMES)[number];

export interface ScrubRule {
  name: string;
  pattern: RegExp;
  /** The placeholder, or a function of the match returning it (or the match itself: no change). */
  replace: string | ((match: string, ...groups: string[]) => string);
}

/** A rule as written in a config file: the pattern as text, compiled with the `g` flag added. */
export interface CustomScrubRule {
  name: string;
  pattern: string;
  flags?: string;
  placeholder: string;
}

const OCTET = '(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)';
const HEX = '[0-9A-Fa-f]{1,4}';
/** A parameter whose value is always a secret, whatever it looks like. */
const PASSWORD_NAME = /pass(?:word|wd)?|pwd|secret|credential/i;
/** A metadata key whose value is withheld whole. */
const SENSITIVE_KEY =
  /^(?:.*[_-])?(?:pass(?:word|wd)?|pwd|secret|token|api[_-]?key|access[_-]?key|private[_-]?key|authorization|cookie|credentials?)$/i;

const BUILT_IN: Record<ScrubRuleName, ScrubRule> = {
  // scheme://user:password@host — before `email`, which would take `password@host.tld`
  url_credentials: {
    name: 'url_credentials',
    pattern: /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/:@]+:[^\s/@]+@/gi,
    replace: (_m, scheme) => `${scheme}[credentials]@`,
  },
  jwt: {
    name: 'jwt',
    pattern: /\beyJ[A-Za-z0-9_-]{5,}\.eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g,
    replace: '[token]',
  },
  bearer: {
    name: 'bearer',
    pattern: /\b(Bearer|Basic|Token)\s+[A-Za-z0-9._~+/=-]{8,}/gi,
    replace: (_m, scheme) => `${scheme} [token]`,
  },
  // providers' key shapes: OpenAI/Anthropic/Stripe `sk-…`, GitHub, Slack, AWS, Google, GitLab, npm
  api_key: {
    name: 'api_key',
    pattern:
      /\b(?:(?:sk|pk|rk)[-_][A-Za-z0-9_-]{16,}|gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,}|xox[abprs]-[A-Za-z0-9-]{10,}|AKIA[0-9A-Z]{16}|AIza[0-9A-Za-z_-]{35}|glpat-[A-Za-z0-9_-]{20,}|npm_[A-Za-z0-9]{36})\b/g,
    replace: '[token]',
  },
  // `password=…` whatever its value; `…key=` / `…token=` when the value is secret-shaped (≥ 8)
  secret_param: {
    name: 'secret_param',
    pattern:
      /\b([A-Za-z0-9_-]*(?:key|token|pass(?:word|wd)?|pwd|secret|credential)[A-Za-z0-9_-]*)=([^\s&"',;<>]+)/gi,
    replace: (match, name, value) =>
      PASSWORD_NAME.test(name) || value.length >= 8 ? `${name}=[secret]` : match,
  },
  email: {
    name: 'email',
    pattern: /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b/g,
    replace: '[email]',
  },
  // the user segment only: the rest of the path still says where the bug is
  home_path: {
    name: 'home_path',
    pattern:
      /(\/home\/|\/Users\/|\b[A-Za-z]:[\\/]+Users[\\/]+)([^\\/\s"'`:;,)]+)(?=[\\/\s"'`:;,)]|$)/g,
    replace: (match, prefix, name) => (name === '[user]' ? match : `${prefix}[user]`),
  },
  ip: {
    name: 'ip',
    pattern: new RegExp(
      [
        `(?<![\\w.])(?:${OCTET}\\.){3}${OCTET}(?![\\w]|\\.\\d)`,
        `(?<![\\w:])(?:${HEX}:){7}${HEX}(?![\\w:])`,
        `(?<![\\w:])(?:${HEX}(?::${HEX}){0,6})?::(?:${HEX}(?::${HEX}){0,6})?(?![\\w:])`,
      ].join('|'),
      'g',
    ),
    // `A::B` (a namespace) has the shape of a compressed IPv6 address; an address has a digit
    replace: (match) => (/\d/.test(match) ? '[ip]' : match),
  },
};

/** Characters or words without which no rule can match: most metadata values skip the regexes. */
const MAY_MATCH = /[@=/\\:]|\d\.\d|eyJ|bearer|basic|token|[a-z]{2}[-_][A-Za-z0-9]{10}|AKIA|AIza/i;

/** Metadata may nest 32 levels and a v1 item 40 (inputs.ts, legacy.ts): 64 leaves room. */
const MAX_DEPTH = 64;
const TOO_DEEP = '[not kept: nested too deep]';

const isPlainObject = (value: object): boolean => {
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
};

export interface ScrubConfig {
  /** Built-in rules to run; all when absent. */
  rules?: readonly string[];
  custom?: readonly CustomScrubRule[];
}

export interface Scrubber {
  /** The rules in force, by name (built-in first, then custom). */
  readonly ruleNames: readonly string[];
  /** `text` with every match replaced; the names of the rules that fired are added to `fired`. */
  text(text: string, fired: Set<string>): string;
  /** Every string at any depth (and the values of secret-named keys) scrubbed; a new value. */
  value<T>(value: T, fired: Set<string>): T;
}

/** Reads `SCRUB_RULES` (comma-separated rule names, `all` or `none`). */
export function parseScrubRules(setting: string | undefined): string[] {
  const names = (setting ?? 'all')
    .split(',')
    .map((n) => n.trim())
    .filter((n) => n.length > 0);
  if (names.length === 0 || names.includes('all')) return [...SCRUB_RULE_NAMES];
  if (names.length === 1 && names[0] === 'none') return [];
  const unknown = names.filter((n) => !(SCRUB_RULE_NAMES as readonly string[]).includes(n));
  if (unknown.length > 0) {
    throw new Error(
      `SCRUB_RULES: unknown rule ${unknown.join(', ')}; use all, none or any of ${SCRUB_RULE_NAMES.join(', ')}`,
    );
  }
  // always in the built-in order, whatever order they were listed in: url_credentials must see
  // a connection string before email takes `user:password@host` for an address
  return SCRUB_RULE_NAMES.filter((n) => names.includes(n));
}

function compileCustom(rule: CustomScrubRule): ScrubRule {
  for (const field of ['name', 'pattern', 'placeholder'] as const) {
    if (typeof rule?.[field] !== 'string') {
      throw new Error(
        `scrub rule ${JSON.stringify(rule?.name ?? null)}: "${field}" must be a string`,
      );
    }
  }
  if (rule.flags !== undefined && typeof rule.flags !== 'string') {
    throw new Error(`scrub rule "${rule.name}": "flags" must be a string`);
  }
  if (!/^[a-z][a-z0-9_]{0,31}$/.test(rule.name)) {
    throw new Error(`scrub rule name "${rule.name}": must be snake_case, at most 32 characters`);
  }
  if ((SCRUB_RULE_NAMES as readonly string[]).includes(rule.name)) {
    throw new Error(`scrub rule name "${rule.name}": is a built-in rule's name`);
  }
  const flags = new Set(`${rule.flags ?? ''}g`);
  let pattern: RegExp;
  try {
    pattern = new RegExp(rule.pattern, [...flags].join(''));
  } catch (error) {
    throw new Error(
      `scrub rule "${rule.name}": pattern is not a valid regular expression (${error})`,
    );
  }
  if (pattern.test(''))
    throw new Error(`scrub rule "${rule.name}": pattern matches the empty string`);
  // a function, so the placeholder is written as it is: `$&` or `$1` in it are not patterns
  const placeholder = rule.placeholder;
  return { name: rule.name, pattern, replace: () => placeholder };
}

export function createScrubber(config: ScrubConfig = {}): Scrubber {
  const builtIn = (config.rules ?? SCRUB_RULE_NAMES).map((name) => {
    const rule = BUILT_IN[name as ScrubRuleName];
    if (!rule) throw new Error(`scrub rule "${name}": unknown built-in rule`);
    return rule;
  });
  const custom = (config.custom ?? []).map(compileCustom);
  const rules = [...builtIn, ...custom];
  const secretKeys = builtIn.some((r) => r.name === 'secret_param');

  const text = (input: string, fired: Set<string>): string => {
    if (rules.length === 0 || (custom.length === 0 && !MAY_MATCH.test(input))) return input;
    let out = input;
    for (const rule of rules) {
      rule.pattern.lastIndex = 0;
      if (!rule.pattern.test(out)) continue;
      rule.pattern.lastIndex = 0;
      const before = out;
      out =
        typeof rule.replace === 'string'
          ? out.replace(rule.pattern, rule.replace)
          : out.replace(rule.pattern, rule.replace as (m: string, ...g: string[]) => string);
      if (out !== before) fired.add(rule.name);
    }
    return out;
  };

  const value = <T>(input: T, fired: Set<string>, depth = 0): T => {
    if (typeof input === 'string') return text(input, fired) as T;
    // deeper than any valid item nests: not walked (a rejected payload thousands deep would
    // overflow the stack), not kept either, since it could not be checked
    if (depth >= MAX_DEPTH && input !== null && typeof input === 'object') return TOO_DEEP as T;
    if (Array.isArray(input)) return input.map((v) => value(v, fired, depth + 1)) as T;
    // plain objects only: a Date (a coerced GraphQL timestamp) or other class instance stays whole
    if (input !== null && typeof input === 'object' && isPlainObject(input)) {
      const out: Record<string, unknown> = {};
      for (const [key, v] of Object.entries(input)) {
        if (secretKeys && typeof v === 'string' && SENSITIVE_KEY.test(key)) {
          out[key] = '[secret]';
          fired.add('secret_param');
        } else {
          out[key] = value(v, fired, depth + 1);
        }
      }
      return out as T;
    }
    return input;
  };

  return { ruleNames: rules.map((r) => r.name), text, value };
}
