export * from './channel.js';
export * from './errors.js';
export * from './iso7816.js';
export * from './auth-cryptogram.js';
export * from './monitor.js';
export {
  createPcscBackend,
  listPcscReaders,
  loadPcsclite,
  openPcscChannel,
  type PcscBackendOptions,
  type PcscOneShot,
  type PcscOneShotOptions,
} from './pcsc.js';
export { SCARD, classifyPcscError, describePcscCode, pcscErrorCode, type PcscErrorKind } from './pcsc-errors.js';
export type { BackoffOptions } from './pcsc-backoff.js';
export type { ReaderLogger } from './pcsc-types.js';
export {
  VPCD_DEFAULT_PORT,
  createVpcdBridge,
  type VpcdBridge,
  type VpcdBridgeEvents,
  type VpcdBridgeOptions,
  type VpcdBridgeStats,
  type VpcdCard,
  type VpcdDisconnectReason,
} from './vpcd-bridge.js';
