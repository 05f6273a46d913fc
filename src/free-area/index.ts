export type { CardHeader, Grant, GrantUnit, ProgrammeId, SlotState } from './types.js';
export { dayFromNumber, dayNumber, jstClock, jstDay, jstMonth, jstYear, monthFromNumber, monthNumber } from './jst.js';
export {
  ApplicationNotFoundError,
  BadMacError,
  BadSignatureError,
  CardStatusError,
  FreeAreaError,
  KeyStoreError,
  LayoutError,
  MalformedDataError,
  TruncatedDataError,
  UnknownFormatVersionError,
  UnknownKeyVersionError,
  WriteAuthenticationError,
  WrongCardIdError,
  type KeyPurpose,
} from './errors.js';
export { CARD_ID_LENGTH, FORMAT_VERSION, GRANT, HEADER, MAX_AREA_SIZE, SLOT, UNIT_CODES } from './format.js';
export {
  decodeGrant,
  decodeHeader,
  encodeGrant,
  encodeGrantBody,
  encodeHeader,
  grantSize,
  isBlankHeader,
  isMunicipalityCode,
  type CardHeaderRecord,
  type DecodedGrant,
} from './codec.js';
export { SLOT_FORMAT_VERSION, decodeSlot, emptySlotBytes, encodeSlot, encodeSlotBody, initialSlotState, type RawSlot } from './slot-codec.js';
export {
  AUTH_KEY_LENGTH,
  diversifyAuthKey,
  diversifyMacKey,
  ed25519PublicKey,
  grantSigningMessage,
  rawPublicKey,
  signGrant,
  slotMac,
  verifyGrant,
  type GrantFields,
  type IssuerSigner,
  type SignedGrant,
  type SlotContext,
} from './crypto.js';
export {
  buildNextSlot,
  chooseCurrentSlot,
  openSlot,
  sealSlot,
  type CurrentSlot,
  type NextSlotInput,
  type SlotIndex,
  type SlotReading,
} from './slots.js';
export { createMemoryKeyStore, type KeyMaterial, type KeyStore, type KeyVersions } from './keystore.js';
export {
  KEY_FILES,
  createFileIssuerSigner,
  createFileKeyStore,
  createIssuerSigner,
  generateDevKeys,
  rotateIssuerKey,
  rotateMasterKey,
} from './keystore-files.js';
export {
  DEFAULT_LAYOUT_INPUT,
  aidBytes,
  areaSize,
  defaultLayout,
  grantRegion,
  headerRegion,
  layoutSchema,
  parseLayout,
  slotRegion,
  type Layout,
  type LayoutFile,
  type LayoutInput,
  type Region,
  type WriteAuthConfig,
} from './layout.js';
export { findProgramme, slotContext, verifyProgramme, type ProgrammeRead, type ProgrammeStatus } from './programme.js';
export { writeAuthScheme, type AuthTarget, type WriteAuthScheme } from './write-auth.js';
export {
  encodeSlotWrite,
  readCard,
  resolveSlotWrite,
  writeCommands,
  writeNextState,
  type CardContext,
  type CardRead,
  type PendingSlotWrite,
  type SlotWrite,
  type WriteResult,
} from './operations.js';
export { installApplication, issueCard, type GrantRequest, type IssueContext, type IssueOptions, type IssueResult, type IssuedProgramme } from './issue.js';
export { inspectCard, type CardInspection, type GrantInspection, type Problem, type ProgrammeInspection, type SlotInspection } from './inspect.js';
export { blankCardForLayout, newCardId, type BlankCardOptions } from './install.js';
export {
  resolveInDoubt,
  writeValue,
  type IntentJournal,
  type IntentToRecord,
  type OpenIntent,
  type Resolution,
  type ResolvedIntent,
  type ValueWriteOutcome,
  type ValueWriteRequest,
} from './value-write.js';
