export {
  ACCESS_RIGHTS,
  ACCESS_RIGHTS_VERSION,
  HOLDER_LENGTH,
  ZONE_COUNT,
  allowsAnyZone,
  decodeAccessRights,
  encodeAccessRights,
  type AccessRights,
  type PassKind,
} from './access-rights.js';
export {
  ANTI_PASSBACK_MODES,
  DIRECTIONS,
  WEEKDAYS,
  doorSchedule,
  doorSchema,
  gateConfigSchema,
  parseGateConfig,
  resolveReader,
  scheduleSchema,
  timeRangeSchema,
  type AntiPassbackMode,
  type Direction,
  type DoorConfig,
  type DoorSchedule,
  type GateConfig,
  type GateConfigInput,
  type ReaderContext,
  type Schedule,
  type TimeRange,
  type Weekday,
} from './config.js';
export { isWithinSchedule } from './schedule.js';
export { REFUSAL_MESSAGES, REFUSAL_REASONS, TAP_AGAIN_MESSAGE, refusalMessage, type Message, type RefusalReason } from './reasons.js';
export {
  checkPassage,
  emptyAntiPassback,
  forgetPassagesBefore,
  parseAntiPassback,
  recordPassage,
  serialiseAntiPassback,
  type AntiPassbackCheck,
  type AntiPassbackState,
  type Passage,
  type SerialisedAntiPassback,
} from './anti-passback.js';
export {
  decideEntry,
  refuseAt,
  type CardReading,
  type DenyListEntry,
  type EntryDecision,
  type EntryInput,
  type GrantFlag,
  type Granted,
  type Refused,
} from './decide.js';
export {
  GATE_EVENT_TYPES,
  decisionEvent,
  doorAlarmEvent,
  passageEvent,
  refusalEvent,
  type DoorAlarmPayload,
  type GateEvent,
  type GateEventType,
  type PassagePayload,
  type RefusedPayload,
} from './events.js';
export {
  checkDoorsAt,
  createDoorMonitorState,
  createSimulatedDoorPosition,
  doorPositionChanged,
  unlockDoor,
  watchDoors,
  type DoorAlarm,
  type DoorMonitorState,
  type DoorMonitorStep,
  type DoorPosition,
  type DoorPositionEvent,
  type DoorPositionSource,
  type DoorUnlock,
  type DoorWatch,
  type PassageRef,
  type SimulatedDoorPosition,
} from './door-monitor.js';
export {
  createRelayCommandActuator,
  createSimulatedActuator,
  type ActuationResult,
  type ActuatorAction,
  type DoorActuator,
  type GateLogger,
  type RelayCommandOptions,
  type SimulatedActuator,
} from './actuator.js';
export { createGpioActuator, gpiosetOpenArgs, gpiosetReleaseArgs, type GpioActuatorOptions, type GpioLine } from './gpio-actuator.js';
export { gateCardReading, programmeIdOf, type GateCardReading } from './card-reading.js';
export {
  createGateTapHandler,
  type GateJournal,
  type GateTapHandler,
  type GateTapOutcome,
  type GateTapOptions,
  type TapTimings,
} from './tap.js';
export {
  AntiPassbackStateError,
  ActuatorError,
  GateConfigError,
  GateError,
  MalformedAccessRightsError,
  TruncatedAccessRightsError,
  UnknownAccessRightsVersionError,
} from './errors.js';
export { HOLIDAY_YEARS, japaneseHolidays } from './holidays.js';
export { DEFAULT_ACCESS_GROUPS, DEFAULT_GATE_PROGRAMME, DEFAULT_GATE_READERS, defaultGateConfigInput, gateReaders } from './defaults.js';
export { ANTI_PASSBACK_META_KEY, createAntiPassbackStore, type AntiPassbackJournal, type AntiPassbackStore } from './anti-passback-store.js';
export { DOOR_RELEASED, doorReleasedEvent, type DoorReleasedPayload } from './release.js';
export { tapView, type TapResult, type TapView } from './view.js';
export {
  createGateService,
  type DoorChange,
  type DoorView,
  type GateService,
  type GateServiceJournal,
  type GateServiceOptions,
  type PassageRecord,
  type PositionResult,
  type ReleaseResult,
} from './service.js';
export { createGateRoutes } from './routes.js';
export { renderGatePage, type GatePageOptions } from './page.js';
