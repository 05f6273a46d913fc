import { Counter, type Registry } from 'prom-client';

/** The gate's own figures, on the terminal's registry beside the tap counters every app shares. */
export interface GateMetrics {
  readonly passages: Counter<'door' | 'direction' | 'pass'>;
  readonly alarms: Counter<'door' | 'kind'>;
  readonly releases: Counter<'door'>;
}

export function createGateMetrics(registry: Registry): GateMetrics {
  const registers = [registry];
  return {
    passages: new Counter({ name: 'fa_gate_passages_total', help: 'Passages let through, by door, direction and pass kind', labelNames: ['door', 'direction', 'pass'], registers }),
    alarms: new Counter({ name: 'fa_gate_door_alarms_total', help: 'Door-held-open and door-forced alarms', labelNames: ['door', 'kind'], registers }),
    releases: new Counter({ name: 'fa_gate_manual_releases_total', help: 'Doors unlocked by hand through the API', labelNames: ['door'], registers }),
  };
}
