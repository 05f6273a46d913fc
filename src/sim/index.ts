export { runSimulation, type Progress } from './run.js';
export { FAULTS, PRESETS, SCALES, resolveOptions, type Fault, type Scale, type SimOptions, type SimOptionsInput } from './options.js';
export { formatReport, type SimReport } from './report.js';
export { BROKERS, type BrokerKind } from './broker.js';
