import { parseCommandApdu, SW, swMoreData, swWrongLe, type CommandApdu } from './apdu.js';
import { externalAuthenticate, getChallenge } from './auth-commands.js';
import { status, type CommandContext, type Reply } from './command-context.js';
import { readBinary, select, updateBinary } from './file-commands.js';

/** Instructions of ISO 7816-4 the emulated card implements. */
const INS = {
  SELECT: 0xa4,
  READ_BINARY: 0xb0,
  UPDATE_BINARY: 0xd6,
  GET_CHALLENGE: 0x84,
  EXTERNAL_AUTHENTICATE: 0x82,
  GET_RESPONSE: 0xc0,
} as const;

const HANDLERS: Record<number, (ctx: CommandContext, cmd: CommandApdu) => Reply> = {
  [INS.SELECT]: select,
  [INS.READ_BINARY]: readBinary,
  [INS.UPDATE_BINARY]: updateBinary,
  [INS.GET_CHALLENGE]: getChallenge,
  [INS.EXTERNAL_AUTHENTICATE]: externalAuthenticate,
  [INS.GET_RESPONSE]: getResponse,
};

/** Runs one command APDU against the card and returns its reply. */
export function execute(ctx: CommandContext, raw: Uint8Array): Reply {
  const cmd = parseCommandApdu(raw);
  if ('sw' in cmd) return status(cmd.sw);
  if (cmd.cla !== 0x00) return status(SW.CLA_NOT_SUPPORTED);
  // Bytes announced by 61xx are only available to the very next command.
  if (cmd.ins !== INS.GET_RESPONSE) ctx.session.pending = null;
  const handler = HANDLERS[cmd.ins];
  if (!handler) return status(SW.INS_NOT_SUPPORTED);
  const reply = handler(ctx, cmd);
  const chunk = ctx.behaviour.chainResponses;
  if (chunk === undefined || cmd.ins === INS.GET_RESPONSE || reply.data.length === 0) return reply;
  ctx.session.pending = { data: reply.data, sw: reply.sw };
  return status(swMoreData(Math.min(reply.data.length, chunk)));
}

function getResponse(ctx: CommandContext, cmd: CommandApdu): Reply {
  if (cmd.p1 !== 0 || cmd.p2 !== 0) return status(SW.BAD_P1P2);
  const pending = ctx.session.pending;
  if (!pending) return status(SW.CONDITIONS_NOT_SATISFIED);
  if (cmd.data.length > 0 || cmd.le === null) return status(SW.WRONG_LENGTH);
  const remaining = pending.data.length;
  if (cmd.le > remaining && ctx.behaviour.wrongLeAs6C) return status(swWrongLe(remaining));
  ctx.session.pending = null;
  const data = pending.data.slice(0, cmd.le);
  const rest = pending.data.subarray(data.length);
  if (rest.length === 0) return { data, sw: pending.sw };
  ctx.session.pending = { data: rest, sw: pending.sw };
  return { data, sw: swMoreData(Math.min(rest.length, ctx.behaviour.chainResponses ?? rest.length)) };
}
