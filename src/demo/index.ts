export { startDemo, type DemoOptions, type DemoPart, type RunningDemo } from './start.js';
export { DEMO_COMPANIES, DEMO_COUNTER, DEMO_ORG, DEMO_RESIDENTS, DEMO_TERMINALS, DEFAULT_PORT_BASE } from './city.js';
export { DEMO_USERNAME, type DemoLogin } from './login.js';
export { createCounterStation, type CounterOutcome, type CounterStation } from './counter-station.js';
