export * from './catalog.js';
export * from './inputs.js';
export * from './kpi-mapping.js';
export * from './legacy.js';
export * from './parse-item.js';
export * from './scrub.js';
export * from './stack.js';
export * from './tools.js';
