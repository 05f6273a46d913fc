/**
 * The journal's hash chain, re-exported so the office can verify what terminals send
 * without depending on the terminal's journal package.
 */
export { canonicalJson, eventHash, verifyChain, GENESIS_HASH } from '../journal/hash.js';
export type { ChainedEvent, HashedEvent } from '../journal/hash.js';
