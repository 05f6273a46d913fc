/**
 * The gate's status page: its doors (locked or unlocked, position, last passages, manual
 * release), its readers, and the last taps with OK or NG and the reason, Japanese first and
 * English beneath, updated live from the terminal's event stream. With emulated readers it also
 * holds the wallet's virtual cards to the In or Out reader. Plain HTML, CSS and a small script,
 * nothing fetched from elsewhere: the device is offline. Data is put in the page as JSON and
 * rendered with `textContent`, never as markup.
 */
import { GATE_PAGE_SCRIPT } from './page-client.js';

export interface GatePageOptions {
  readonly terminalId: string;
  /** The bearer token for mutating calls; null: the page asks for it once and keeps it in localStorage. */
  readonly token: string | null;
  /** Show the virtual cards of the emulated readers. */
  readonly emulator: boolean;
  /** The gate's readers, for the card buttons and the reader list. */
  readonly readers: ReadonlyArray<{ readonly reader: string; readonly door: string; readonly direction: 'in' | 'out' }>;
}

const CSS = `
*{box-sizing:border-box}
body{margin:0;font:16px/1.4 system-ui,"Hiragino Sans","Noto Sans CJK JP",sans-serif;background:#f4f5f7;color:#1d2330}
header{display:flex;gap:.5rem;align-items:center;flex-wrap:wrap;padding:.6rem 1rem;background:#1d2330;color:#fff}
header h1{font-size:1.1rem;margin:0 1rem 0 0}
.chip{border-radius:1rem;padding:.1rem .7rem;background:#3a4356;font-size:.85rem}
.chip.bad{background:#b3261e}.chip.good{background:#1e7b34}
main{display:grid;grid-template-columns:repeat(auto-fit,minmax(320px,1fr));gap:1rem;padding:1rem}
section{background:#fff;border-radius:.6rem;padding:.8rem 1rem;box-shadow:0 1px 3px #0002}
h2{font-size:1rem;margin:0 0 .6rem}
.sec{display:block;font-size:.8em;color:#5b6475}
.door{border-top:1px solid #e3e6ec;padding:.6rem 0}
.door:first-of-type{border-top:0}
.state{display:flex;gap:.4rem;flex-wrap:wrap;margin:.3rem 0}
.badge{border-radius:.3rem;padding:.1rem .5rem;font-weight:600;background:#e3e6ec}
.badge.locked{background:#dfe9ff;color:#163d8c}.badge.unlocked{background:#d8f5df;color:#145c27}
.badge.open{background:#fff0c2;color:#6b4b00}.badge.alarm{background:#b3261e;color:#fff}
button{font:inherit;min-height:44px;padding:.3rem .8rem;border-radius:.4rem;border:1px solid #98a2b3;background:#fff;cursor:pointer}
button.go{background:#1e7b34;color:#fff;border-color:#1e7b34}
button:disabled{opacity:.5;cursor:default}
ol,ul{list-style:none;margin:0;padding:0}
.tap{display:grid;grid-template-columns:4.2rem 1fr;gap:.1rem .6rem;padding:.45rem 0;border-top:1px solid #e3e6ec}
.verdict{grid-row:span 2;align-self:center;text-align:center;font-weight:800;font-size:1.3rem;border-radius:.4rem;padding:.2rem 0}
.verdict.ok{background:#d8f5df;color:#145c27}.verdict.ng{background:#fde2e0;color:#8c1d18}.verdict.again{background:#fff0c2;color:#6b4b00}
.meta{font-size:.8rem;color:#5b6475}
.card{display:flex;justify-content:space-between;align-items:center;gap:.4rem;padding:.35rem 0;border-top:1px solid #e3e6ec}
.card .buttons{display:flex;gap:.3rem;flex-wrap:wrap}
.overlay{position:fixed;inset:0;background:#0008;display:flex;align-items:center;justify-content:center}
.overlay[hidden]{display:none}
.dialog{background:#fff;padding:1rem;border-radius:.6rem;display:grid;gap:.5rem;min-width:18rem}
.error{color:#b3261e}
`;

/** The whole page as one HTML string. */
export function renderGatePage(options: GatePageOptions): string {
  const config = { terminalId: options.terminalId, token: options.token, emulator: options.emulator, readers: options.readers };
  const title = `ゲート Gate ${options.terminalId}`;
  return `<!doctype html>
<html lang="ja">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>${escapeHtml(title)}</title>
<style>${CSS}</style>
</head>
<body>
<header>
<h1>${escapeHtml(title)}</h1>
<span id="st-service" class="chip">読み取り機 Readers …</span>
<span id="st-backlog" class="chip">未送信 Backlog …</span>
<span id="st-link" class="chip bad">接続待ち Connecting…</span>
</header>
<main>
<section aria-labelledby="doors-title"><h2 id="doors-title">扉<span class="sec">Doors</span></h2><div id="doors"></div></section>
<section aria-labelledby="taps-title"><h2 id="taps-title">最近のタッチ<span class="sec">Last taps</span></h2><ol id="taps" aria-live="polite"></ol></section>
<section aria-labelledby="readers-title"><h2 id="readers-title">読み取り機<span class="sec">Readers</span></h2><ul id="readers"></ul></section>
${options.emulator ? '<section aria-labelledby="cards-title"><h2 id="cards-title">デモカード<span class="sec">Virtual cards: hold one to a reader</span></h2><div id="cards"></div></section>' : ''}
</main>
<div id="token-dialog" class="overlay" role="dialog" aria-modal="true" aria-labelledby="token-title" hidden>
<form id="token-form" class="dialog">
<label id="token-title" for="token-input">操作用トークンを入力してください<span class="sec">Enter the terminal's API token</span></label>
<p id="token-error" class="error" hidden>トークンが違います<span class="sec">Wrong token</span></p>
<input id="token-input" type="password" autocomplete="off" spellcheck="false" required>
<button type="submit" class="go">保存 Save</button>
</form>
</div>
<script type="application/json" id="gate-config">${jsonForScript(config)}</script>
<script>${GATE_PAGE_SCRIPT}</script>
</body>
</html>
`;
}

const HTML_ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => HTML_ESCAPES[ch] ?? ch);
}

/** JSON safe inside a `<script type="application/json">` element. */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}
