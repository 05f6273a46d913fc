/**
 * The driver display: the page a taxi terminal serves to its in-car screen (7-inch, 800×480 or
 * 1024×600, landscape). Plain HTML, CSS and a small script, with no fonts or files fetched: the
 * device is offline. Everything interpolated is escaped.
 */
import type { Message } from '../reasons.js';
import { DISPLAY_CLIENT_SCRIPT } from './client.js';
import { escapeHtml, jsonForScript } from './escape.js';
import { DISPLAY_TEXT, type DisplayTextKey } from './labels.js';
import { DISPLAY_CSS } from './styles.js';

export type DisplayLang = 'ja' | 'en';

export interface DriverDisplayOptions {
  readonly terminalId: string;
  /** The bearer token for mutating calls; null: the page asks for it once and keeps it in localStorage. */
  readonly token: string | null;
  /** Show the virtual-card panel of the emulated reader. */
  readonly emulator: boolean;
  /** The first language; the other one is shown beneath in smaller type. Japanese by default. */
  readonly lang?: DisplayLang;
}

/** What the client script is handed, as JSON in the page. */
export interface DriverDisplayConfig {
  readonly terminalId: string;
  readonly token: string | null;
  readonly emulator: boolean;
  readonly lang: DisplayLang;
  readonly text: typeof DISPLAY_TEXT;
}

const KEYS: ReadonlyArray<{ key: string; label: string; text?: DisplayTextKey }> = [
  ...['1', '2', '3', '4', '5', '6', '7', '8', '9'].map((d) => ({ key: d, label: d })),
  { key: 'C', label: 'C', text: 'clear' },
  { key: '0', label: '0' },
  { key: 'Backspace', label: '⌫', text: 'backspace' },
];

/** The whole page as one HTML string. */
export function renderDriverDisplay(options: DriverDisplayOptions): string {
  const lang: DisplayLang = options.lang ?? 'ja';
  const config: DriverDisplayConfig = {
    terminalId: options.terminalId,
    token: options.token,
    emulator: options.emulator,
    lang,
    text: DISPLAY_TEXT,
  };
  const t = (key: DisplayTextKey) => bilingual(DISPLAY_TEXT[key], lang);
  const title = `${DISPLAY_TEXT.title[lang]} ${options.terminalId}`;
  return `<!doctype html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="dark">
<link rel="icon" href="data:,">
<title>${escapeHtml(title)}</title>
<style>${DISPLAY_CSS}</style>
</head>
<body class="${options.emulator ? 'with-emulator' : ''}">
<header class="status-line">
<span class="terminal-id">${escapeHtml(options.terminalId)}</span>
<span id="st-reader" class="chip">${t('readerMissing')}</span>
<span id="st-backlog" class="chip">${bilingual(fill(DISPLAY_TEXT.backlog, '0'), lang)}</span>
<span id="st-online" class="chip">${t('offline')}</span>
<span id="st-link" class="chip bad" hidden>${t('linkLost')}</span>
</header>
<main>
<div class="left">
<div id="result" class="result idle" role="status" aria-live="assertive" aria-atomic="true">
<p class="verdict">${t('idle')}</p>
</div>
${ridePanel(t)}
${options.emulator ? emulatorPanel(t) : ''}
</div>
${controls(t)}
</main>
${tokenDialog(t)}
<script type="application/json" id="display-config">${jsonForScript(config)}</script>
<script>${DISPLAY_CLIENT_SCRIPT}</script>
</body>
</html>
`;
}

type Text = (key: DisplayTextKey) => string;

function ridePanel(t: Text): string {
  return `<section id="ride" class="ride" aria-labelledby="ride-state">
<dl class="sums">
<div class="sum state"><dt class="sr-only">${t('rideStatus')}</dt><dd id="ride-state">${t('rideNone')}</dd></div>
<div class="sum"><dt>${t('fare')}</dt><dd id="ride-fare">—</dd></div>
<div class="sum"><dt>${t('totalSubsidy')}</dt><dd id="ride-subsidy">—</dd></div>
<div class="sum cash"><dt>${t('cash')}</dt><dd id="ride-cash">—</dd></div>
</dl>
<ol id="ride-riders" class="riders" aria-label="${escapeHtml(DISPLAY_TEXT.riders.ja)} / ${escapeHtml(DISPLAY_TEXT.riders.en)}"></ol>
</section>`;
}

function emulatorPanel(t: Text): string {
  return `<section id="emulator" class="emulator" aria-labelledby="emulator-title">
<h2 id="emulator-title">${t('emulator')}</h2>
<div id="emulator-cards" class="cards"></div>
</section>`;
}

function controls(t: Text): string {
  const keys = KEYS.map(({ key, label, text }) => {
    const name = text === undefined ? label : `${DISPLAY_TEXT[text].ja} / ${DISPLAY_TEXT[text].en}`;
    return `<button type="button" class="key" data-key="${escapeHtml(key)}" aria-label="${escapeHtml(name)}">${escapeHtml(label)}</button>`;
  }).join('\n');
  const action = (id: string, key: DisplayTextKey, cls: string, disabled: boolean) =>
    `<button type="button" id="${id}" class="action ${cls}"${disabled ? ' disabled' : ''}>${t(key)}</button>`;
  return `<section class="controls" aria-labelledby="fare-label">
<div class="readout"><span id="fare-label" class="readout-label">${t('fareInput')}</span><output id="fare-readout" aria-live="polite">¥0</output></div>
<div class="keypad" role="group" aria-label="${escapeHtml(DISPLAY_TEXT.keypad.ja)} / ${escapeHtml(DISPLAY_TEXT.keypad.en)}">
${keys}
</div>
<div class="actions">
${action('btn-open', 'open', 'go', false)}
${action('btn-close', 'close', 'go', true)}
${action('btn-cancel', 'cancel', 'stop', true)}
${action('btn-fare', 'correct', 'plain', true)}
</div>
</section>`;
}

function tokenDialog(t: Text): string {
  return `<div id="token-dialog" class="overlay" role="dialog" aria-modal="true" aria-labelledby="token-title" hidden>
<form id="token-form" class="dialog">
<label id="token-title" for="token-input">${t('tokenPrompt')}</label>
<p id="token-error" class="error" hidden>${t('tokenWrong')}</p>
<input id="token-input" name="token" type="password" autocomplete="off" spellcheck="false" required>
<button type="submit" class="action go">${t('save')}</button>
</form>
</div>`;
}

/** Primary language in large type, the other beneath in small type, each with its lang attribute. */
export function bilingual(message: Message, lang: DisplayLang): string {
  const other: DisplayLang = lang === 'ja' ? 'en' : 'ja';
  return `<span class="pri" lang="${lang}">${escapeHtml(message[lang])}</span><span class="sec" lang="${other}">${escapeHtml(message[other])}</span>`;
}

function fill(message: Message, n: string): Message {
  return { ja: message.ja.replace('{n}', n), en: message.en.replace('{n}', n) };
}
