import { lexicographicSortSchema, printSchema } from 'graphql';
import { builder } from './builder.js';
import './modules/common.schema.js';
import './modules/ingest/ingest.schema.js';
import './modules/admin/failed-items.schema.js';
import './modules/admin/replay.schema.js';
import './modules/kpi/kpi.schema.js';
import './modules/cohorts/cohorts.schema.js';
import './modules/analytics/analytics.schema.js';
import './modules/dashboard/dashboard.schema.js';
import './modules/privacy/privacy.schema.js';
import './modules/live/live.schema.js';
import './modules/alerts/alerts.schema.js';
import './modules/alerts/preview.schema.js';
import './modules/access/access.schema.js';
import './modules/annotations/annotations.schema.js';
import './modules/share/share-links.schema.js';

export const schema = builder.toSchema();

/** The committed `packages/schema/schema.graphql`: sorted so diffs show real changes only. */
export const printSortedSchema = () => `${printSchema(lexicographicSortSchema(schema))}\n`;
