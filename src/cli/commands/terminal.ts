import { loadTerminalConfig, parseTerminalConfig, type TerminalConfig } from '../../terminal/config.js';
import { startTerminal } from '../../terminal/start.js';
import type { Command } from '../command.js';

/** Command-line overrides win over the file; they go through the same schema. */
function withOverrides(config: TerminalConfig, values: Record<string, unknown>): TerminalConfig {
  const http = { ...config.http, ...(values['host'] ? { host: values['host'] } : {}), ...(values['port'] ? { port: Number(values['port']) } : {}) };
  return parseTerminalConfig({ ...config, http, ...(values['data'] ? { dataDir: values['data'] } : {}) }, 'the configuration with command-line options');
}

export const terminalCommand: Command = {
  path: ['terminal'],
  summary: 'run a terminal (taxi or gate) with its HTTP service and display',
  details: `With no --config: a taxi terminal on an emulated reader with a demo wallet of virtual
cards, its journal under ./data, no broker. Open the printed URL for the driver display.
Stops gracefully on SIGINT or SIGTERM: a tap in progress is finished first.`,
  options: {
    config: { type: 'string', short: 'c', help: 'configuration file (JSON)', placeholder: 'file' },
    host: { type: 'string', help: 'address to listen on', placeholder: 'address' },
    port: { type: 'string', short: 'p', help: 'port to listen on', placeholder: 'port' },
    data: { type: 'string', help: 'data directory', placeholder: 'dir' },
  },
  async run(values, _positionals, io) {
    const config = withOverrides(loadTerminalConfig(values['config'] as string | undefined), values);
    const terminal = await startTerminal(config);
    io.out(`terminal ${config.terminal.id} (${config.app.kind}) ready at ${terminal.url}/`);
    io.out(`API token for mutating requests: ${config.http.token ? '(from the configuration)' : `${config.dataDir}/http-token`}`);
    await new Promise<void>((done) => {
      const stop = (signal: string) => {
        io.err(`${signal}: stopping after the tap in progress`);
        terminal.close().then(done, done);
      };
      process.once('SIGINT', () => stop('SIGINT'));
      process.once('SIGTERM', () => stop('SIGTERM'));
    });
    return 0;
  },
};
