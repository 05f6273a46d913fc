import { fromHex, toHex } from '../iso7816.js';
import { CARD_IMAGE_FORMAT, type Access, type CardImage } from './image.js';

/** The live, byte-level form of a card image, mutated by the commands. */
export interface EfState {
  readonly fid: number;
  readonly sfi: number | undefined;
  readonly read: Access;
  readonly update: Access;
  readonly data: Uint8Array;
}

export interface KeyState {
  readonly ref: number;
  readonly key: Uint8Array;
  tries: { max: number; left: number } | undefined;
}

export interface AppState {
  readonly aid: Uint8Array;
  readonly keys: KeyState[];
  readonly files: EfState[];
}

export interface CardContent {
  readonly atr: Uint8Array;
  readonly label: string | undefined;
  readonly apps: AppState[];
}

/** What the card remembers between APDUs until power off (ISO 7816-4 "current" state). */
export interface Session {
  /** Current DF; null while the MF is current. */
  app: AppState | null;
  ef: EfState | null;
  /** Key references authenticated since the current DF was selected. */
  authenticated: Set<number>;
  /** The last GET CHALLENGE answer, usable by one EXTERNAL AUTHENTICATE. */
  challenge: Uint8Array | null;
  /** Response bytes announced by `61xx`, waiting for GET RESPONSE. */
  pending: { data: Uint8Array; sw: number } | null;
}

export function newSession(): Session {
  return { app: null, ef: null, authenticated: new Set(), challenge: null, pending: null };
}

export function contentFromImage(image: CardImage): CardContent {
  return {
    atr: fromHex(image.atr),
    label: image.label,
    apps: image.applications.map((app) => ({
      aid: fromHex(app.aid),
      keys: app.keys.map((k) => ({ ref: k.ref, key: fromHex(k.key), tries: k.tries && { ...k.tries } })),
      files: app.files.map((f) => ({
        fid: f.fid,
        sfi: f.sfi,
        read: copyAccess(f.read),
        update: copyAccess(f.update),
        data: fromHex(f.data),
      })),
    })),
  };
}

export function imageFromContent(content: CardContent): CardImage {
  return {
    format: CARD_IMAGE_FORMAT,
    ...(content.label === undefined ? {} : { label: content.label }),
    atr: toHex(content.atr),
    applications: content.apps.map((app) => ({
      aid: toHex(app.aid),
      keys: app.keys.map((k) => ({ ref: k.ref, key: toHex(k.key), ...(k.tries ? { tries: { ...k.tries } } : {}) })),
      files: app.files.map((f) => ({
        fid: f.fid,
        ...(f.sfi === undefined ? {} : { sfi: f.sfi }),
        size: f.data.length,
        read: copyAccess(f.read),
        update: copyAccess(f.update),
        data: toHex(f.data),
      })),
    })),
  };
}

function copyAccess(access: Access): Access {
  return typeof access === 'object' ? { auth: access.auth } : access;
}

export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}
