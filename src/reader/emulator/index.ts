export {
  CARD_IMAGE_FORMAT,
  CardImageError,
  MAX_FILE_SIZE,
  cardImageSchema,
  parseCardImage,
  type Access,
  type CardImage,
  type EmulatedAppImage,
  type EmulatedFileImage,
  type EmulatedKeyImage,
} from './image.js';
export { DEFAULT_ATR, blankCardImage, type BlankCardOptions, type BlankFileSpec } from './blank-image.js';
export { createEmulatedCard, type EmulatedCard, type EmulatedCardOptions } from './card.js';
export type { CardBehaviour } from './command-context.js';
export type { FaultPlan } from './faults.js';
export { createEmulatorChannel } from './channel.js';
export { WalletError, openWallet, type Wallet } from './wallet.js';
export { createEmulatorBackend, emulatedReaderName, type EmulatorBackend } from './backend.js';
