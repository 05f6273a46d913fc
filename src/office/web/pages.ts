/**
 * The dashboard's pages and forms, in one list: the composition root and the tests build
 * the web from this same list, so the security test sees every route production has.
 */
import type { OfficeDomain } from '../domain/index.js';
import type { WebServices } from './app.js';
import { addAnomalyRoutes } from './routes/anomalies.js';
import { addAttendanceRoutes } from './routes/attendance.js';
import { addCompanyRoutes } from './routes/companies.js';
import { addIssueRoutes } from './routes/issue.js';
import { addMonthRoutes } from './routes/months.js';
import { addOverviewRoutes } from './routes/overview.js';
import { addRegistryRoutes } from './routes/registry.js';
import { addResidentRoutes } from './routes/residents.js';
import { addRevokeRoutes } from './routes/revoke.js';
import { addTerminalRoutes } from './routes/terminals.js';

export interface PagesDeps {
  readonly domain: OfficeDomain;
  /** A terminal that sent nothing for this long is shown as not answering. */
  readonly silentAfterMs: number;
}

export function officePages(deps: PagesDeps): WebServices['pages'] {
  const { domain, silentAfterMs } = deps;
  const terminals = () => domain.registry.terminals();
  return [
    (router, core) => addOverviewRoutes(router, core, { overview: (now) => domain.overview(now), anomalies: domain.anomalies, terminals, silentAfterMs }),
    (router, core) => addCompanyRoutes(router, core, { clearing: domain.clearing }),
    (router, core) => addAnomalyRoutes(router, core, { anomalies: domain.anomalies }),
    (router, core) => addResidentRoutes(router, core, domain),
    (router, core) => addIssueRoutes(router, core, domain),
    (router, core) => addRevokeRoutes(router, core, domain),
    (router, core) => addMonthRoutes(router, core, { clearing: domain.clearing }),
    (router, core) => addAttendanceRoutes(router, core, { attendance: domain.attendance }),
    (router, core) => addTerminalRoutes(router, core, { terminals, silentAfterMs }),
    (router, core) => addRegistryRoutes(router, core, domain),
  ];
}
