import type { Logger } from 'pino';
import type { Config } from '../config.js';
import type { Orm } from '../orm.js';

/** Placeholder until the demo generator lands: seeds nothing. */
export async function seedDemoIfEmpty(_orm: Orm, _config: Config, _logger: Logger): Promise<void> {}
