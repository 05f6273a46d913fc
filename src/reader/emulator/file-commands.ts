import { SW, swWrongLe, type CommandApdu } from './apdu.js';
import { newSession, sameBytes, type AppState, type EfState } from './card-state.js';
import { accessGranted, status, type CommandContext, type Reply } from './command-context.js';

/** File identifier of the master file. */
const MF_FID = 0x3f00;
/** SELECT P1: by file identifier (MF, DF or EF), EF under the current DF, by DF name. */
const SELECT_BY_FID = 0x00;
const SELECT_EF_UNDER_DF = 0x02;
const SELECT_BY_NAME = 0x04;
/** SELECT P2: return FCI, return FCP, return nothing (first or only occurrence). */
const P2_FCI = 0x00;
const P2_FCP = 0x04;
const P2_NO_DATA = 0x0c;
/** READ/UPDATE BINARY P1: bit 8 set means bits 5..1 are a short EF identifier and P2 the offset. */
const P1_SFI_FLAG = 0x80;
const P1_SFI_RFU = 0x60;
const SFI_MASK = 0x1f;

export function select(ctx: CommandContext, cmd: CommandApdu): Reply {
  if (cmd.p2 !== P2_FCI && cmd.p2 !== P2_FCP && cmd.p2 !== P2_NO_DATA) return status(SW.BAD_P1P2);
  const { session } = ctx;
  if (cmd.p1 === SELECT_BY_NAME) {
    if (cmd.data.length === 0) return status(SW.WRONG_LENGTH);
    const app = ctx.content.apps.find((a) => sameBytes(a.aid, cmd.data));
    if (!app) return status(SW.NOT_FOUND);
    Object.assign(session, newSession(), { app, challenge: session.challenge });
    return answerSelect(cmd, dfControl(app, cmd.p2));
  }
  if (cmd.p1 !== SELECT_BY_FID && cmd.p1 !== SELECT_EF_UNDER_DF) return status(SW.BAD_P1P2);
  if (cmd.p1 === SELECT_BY_FID && (cmd.data.length === 0 || fidOf(cmd.data) === MF_FID)) {
    if (cmd.data.length !== 0 && cmd.data.length !== 2) return status(SW.WRONG_LENGTH);
    Object.assign(session, newSession(), { challenge: session.challenge });
    return answerSelect(cmd, new Uint8Array(0));
  }
  if (cmd.data.length !== 2) return status(SW.WRONG_LENGTH);
  const fid = fidOf(cmd.data);
  const ef = session.app?.files.find((f) => f.fid === fid);
  if (!ef) return status(SW.NOT_FOUND);
  session.ef = ef;
  return answerSelect(cmd, efControl(ef, cmd.p2));
}

export function readBinary(ctx: CommandContext, cmd: CommandApdu): Reply {
  if (cmd.data.length > 0 || cmd.le === null) return status(SW.WRONG_LENGTH);
  const target = resolveEf(ctx, cmd);
  if ('sw' in target) return status(target.sw);
  const { ef, offset } = target;
  if (!accessGranted(ef.read, ctx.session)) return status(SW.SECURITY_NOT_SATISFIED);
  if (offset >= ef.data.length) return status(SW.OFFSET_OUT_OF_RANGE);
  const available = ef.data.length - offset;
  if (cmd.le <= available) return { data: ef.data.slice(offset, offset + cmd.le), sw: SW.OK };
  if (ctx.behaviour.wrongLeAs6C) return status(swWrongLe(available));
  return { data: ef.data.slice(offset), sw: SW.END_OF_FILE };
}

export function updateBinary(ctx: CommandContext, cmd: CommandApdu): Reply {
  if (cmd.data.length === 0 || cmd.le !== null) return status(SW.WRONG_LENGTH);
  const target = resolveEf(ctx, cmd);
  if ('sw' in target) return status(target.sw);
  const { ef, offset } = target;
  if (!accessGranted(ef.update, ctx.session)) return status(SW.SECURITY_NOT_SATISFIED);
  if (offset >= ef.data.length) return status(SW.OFFSET_OUT_OF_RANGE);
  if (offset + cmd.data.length > ef.data.length) return status(SW.WRONG_LENGTH);
  ctx.write(ef, offset, cmd.data);
  return status(SW.OK);
}

/** The EF and offset a READ or UPDATE BINARY addresses; an SFI makes its EF current. */
function resolveEf(ctx: CommandContext, cmd: CommandApdu): { ef: EfState; offset: number } | { sw: number } {
  const { session } = ctx;
  if ((cmd.p1 & P1_SFI_FLAG) === 0) {
    if (!session.ef) return { sw: SW.NO_CURRENT_EF };
    return { ef: session.ef, offset: ((cmd.p1 & 0x7f) << 8) | cmd.p2 };
  }
  if ((cmd.p1 & P1_SFI_RFU) !== 0) return { sw: SW.BAD_P1P2 };
  const sfi = cmd.p1 & SFI_MASK;
  // SFI 0 names the current EF.
  if (sfi === 0) return session.ef ? { ef: session.ef, offset: cmd.p2 } : { sw: SW.NO_CURRENT_EF };
  const ef = session.app?.files.find((f) => f.sfi === sfi);
  if (!ef) return { sw: SW.NOT_FOUND };
  session.ef = ef;
  return { ef, offset: cmd.p2 };
}

function answerSelect(cmd: CommandApdu, control: Uint8Array): Reply {
  if (cmd.p2 === P2_NO_DATA || cmd.le === null || control.length === 0) return status(SW.OK);
  return { data: control.slice(0, cmd.le), sw: SW.OK };
}

const fidOf = (data: Uint8Array): number => ((data[0] ?? 0) << 8) | (data[1] ?? 0);

/** FCI (6F) or FCP (62) template of a DF: DF name (84). */
function dfControl(app: AppState, p2: number): Uint8Array {
  return tlv(p2 === P2_FCI ? 0x6f : 0x62, tlv(0x84, app.aid));
}

/** FCI/FCP of an EF: size (80), descriptor 01 = transparent working EF (82), FID (83), SFI (88). */
function efControl(ef: EfState, p2: number): Uint8Array {
  const size = ef.data.length;
  const parts = [
    tlv(0x80, Uint8Array.of(size >> 8, size & 0xff)),
    tlv(0x82, Uint8Array.of(0x01)),
    tlv(0x83, Uint8Array.of(ef.fid >> 8, ef.fid & 0xff)),
    ...(ef.sfi === undefined ? [] : [tlv(0x88, Uint8Array.of(ef.sfi << 3))]),
  ];
  return tlv(p2 === P2_FCI ? 0x6f : 0x62, Uint8Array.from(parts.flatMap((p) => [...p])));
}

function tlv(tag: number, value: Uint8Array): Uint8Array {
  return Uint8Array.of(tag, value.length, ...value);
}
