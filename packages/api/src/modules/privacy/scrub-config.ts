import { readFileSync } from 'node:fs';
import {
  type CustomScrubRule,
  createScrubber,
  parseScrubRules,
  type Scrubber,
} from '@cortex-telemetry/events';

/**
 * The scrubber in force (docs/privacy.md#configuring-it): `SCRUB_RULES` picks the built-in rules
 * (it wins over the file's list), `SCRUB_CONFIG` names a JSON file with a rule list and custom
 * rules. Any mistake throws with the variable's name, so the server refuses to start rather than
 * store what it was told to remove.
 */
export function loadScrubber(
  rulesSetting: string | undefined,
  configPath: string | undefined,
): Scrubber {
  let file: { rules?: unknown; custom?: unknown } = {};
  if (configPath) {
    try {
      file = JSON.parse(readFileSync(configPath, 'utf8'));
    } catch (error) {
      throw new Error(
        `SCRUB_CONFIG: cannot read ${configPath} as JSON (${(error as Error).message})`,
      );
    }
    if (file.rules !== undefined && !Array.isArray(file.rules)) {
      throw new Error('SCRUB_CONFIG: "rules" must be a list of rule names');
    }
    if (file.custom !== undefined && !Array.isArray(file.custom)) {
      throw new Error('SCRUB_CONFIG: "custom" must be a list of { name, pattern, placeholder }');
    }
  }
  const rules =
    rulesSetting !== undefined || file.rules === undefined
      ? parseScrubRules(rulesSetting)
      : fileRules(file.rules as unknown[]);
  try {
    return createScrubber({ rules, custom: (file.custom ?? []) as CustomScrubRule[] });
  } catch (error) {
    throw new Error(`SCRUB_CONFIG: ${(error as Error).message}`);
  }
}

/** The file's rule list: an empty list is no built-in rule; mistakes name SCRUB_CONFIG. */
function fileRules(list: unknown[]): string[] {
  if (list.length === 0) return [];
  if (list.some((name) => typeof name !== 'string')) {
    throw new Error('SCRUB_CONFIG: "rules" must be a list of rule names');
  }
  try {
    return parseScrubRules(list.join(','));
  } catch (error) {
    throw new Error((error as Error).message.replace(/^SCRUB_RULES:/, 'SCRUB_CONFIG: "rules":'));
  }
}
