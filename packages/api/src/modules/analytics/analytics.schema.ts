/** Analyst queries (admin and viewer tokens): lists of stored rows and aggregates over a time window. */
import './records.schema.js';
import './lists.schema.js';
import './aggregates.schema.js';
