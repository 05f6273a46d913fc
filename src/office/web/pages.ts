/**
 * The dashboard's pages and forms, in one list: the composition root and the tests build
 * the web from this same list, so the security test sees every route production has.
 */
import type { OfficeStore } from '../store/index.js';
import type { WebServices } from './app.js';
import { addTerminalRoutes } from './routes/terminals.js';

export interface PagesDeps {
  readonly store: OfficeStore;
  /** A terminal that sent nothing for this long is shown as not answering. */
  readonly silentAfterMs: number;
}

export function officePages(deps: PagesDeps): WebServices['pages'] {
  return [(router, core) => addTerminalRoutes(router, core, deps)];
}
