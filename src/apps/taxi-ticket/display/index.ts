export * from './page.js';
export * from './escape.js';
export * from './labels.js';
