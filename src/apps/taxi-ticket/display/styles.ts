/**
 * The display's style sheet. Sized from the viewport height so one sheet fits 800×480 and
 * 1024×600; dark, with the result in saturated colours that keep white (or black, on amber)
 * text above 4.5:1. Every touch target is at least 48 px tall.
 */
export const DISPLAY_CSS = `
*,*::before,*::after{box-sizing:border-box;margin:0;padding:0}
html{font-size:clamp(13px,3.3vh,24px);height:100%}
body{height:100%;overflow:hidden;display:grid;grid-template-rows:auto minmax(0,1fr);
background:#0c0e11;color:#f3f5f7;-webkit-tap-highlight-color:transparent;user-select:none;
font-family:"Noto Sans CJK JP","Noto Sans JP","Hiragino Sans","Yu Gothic UI","Meiryo",system-ui,sans-serif;
font-variant-numeric:tabular-nums;line-height:1.25}
[hidden]{display:none!important}
.sr-only{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
.pri{display:block}
.sec{display:block;font-size:.62em;opacity:.85;font-weight:400}
button{font:inherit;color:inherit;border:0;border-radius:.45rem;min-height:48px;min-width:48px;cursor:pointer;touch-action:manipulation}
button:disabled{opacity:.35;cursor:default}
button:focus-visible{outline:3px solid #ffd54a;outline-offset:2px}
.status-line{display:flex;align-items:center;gap:.4rem;padding:.2rem .5rem;background:#1a1e23;font-size:.75rem;min-height:1.9rem;white-space:nowrap;overflow:hidden}
.status-line .pri,.status-line .sec{display:inline}
.status-line .sec{margin-left:.3em;font-size:.85em}
.terminal-id{font-weight:700;margin-right:auto;overflow:hidden;text-overflow:ellipsis}
.chip{padding:.1rem .45rem;border-radius:1rem;background:#2a3038}
.chip::before{content:"";display:inline-block;width:.55em;height:.55em;border-radius:50%;margin-right:.35em;background:currentColor;vertical-align:.05em}
.chip.good{color:#7ee2a0}.chip.bad{color:#ff9c94}.chip.warn{color:#ffd54a}
main{display:grid;grid-template-columns:minmax(0,1fr) minmax(15.5rem,37%);gap:.45rem;padding:.45rem;min-height:0}
.left{display:grid;grid-template-rows:minmax(0,1fr) auto auto;gap:.45rem;min-height:0;min-width:0}
.result{border-radius:.6rem;display:flex;flex-direction:column;justify-content:center;align-items:center;text-align:center;
gap:.35rem;padding:.4rem .6rem;min-height:0;overflow:hidden;background:#1a1e23;border:2px solid #2f3640}
.result.ok{background:#0a6a2c;border-color:#3fcf75;color:#fff}
.result.ng{background:#a3161c;border-color:#ff6b63;color:#fff}
.result.again{background:#ffb300;border-color:#ffe082;color:#000}
.result.warn{background:#4a3a00;border-color:#ffd54a;color:#fff}
.result.info{background:#123a5c;border-color:#5aa9e6;color:#fff}
.result .verdict{font-weight:800;font-size:1.7rem}
.result.ok .verdict,.result.ng .verdict{font-size:3.6rem;line-height:1}
.result.ok .verdict .sec,.result.ng .verdict .sec{font-size:.36em;margin-top:.1em}
.result.again .verdict{font-size:2.3rem}
.result .reason{font-size:1.6rem;font-weight:700;overflow-wrap:anywhere}
.result .reason .sec{font-size:.6em}
.result .programme{font-size:.95rem;opacity:.95}
.result .programme .sec{font-size:.75em}
.result .facts{display:flex;flex-wrap:wrap;justify-content:center;gap:.3rem .9rem;font-size:1.25rem;font-weight:700}
.result .facts .fact{display:flex;flex-direction:column}
.result .facts .fact .sec{font-size:.55em}
.result .note{font-size:.8rem}
.ride{background:#161a1f;border-radius:.6rem;padding:.3rem .5rem;border:1px solid #2a3038;min-width:0}
.sums{display:grid;grid-template-columns:auto repeat(3,minmax(0,1fr));gap:.5rem;align-items:end}
.sum dt{font-size:.7rem;color:#b9c2cc}
.sum dt .pri,.sum dt .sec{display:inline}.sum dt .sec{margin-left:.3em;font-size:.85em}
.sum dd{font-size:1.35rem;font-weight:700;white-space:nowrap}
.sum.state dd{font-size:.9rem;align-self:center}
.sum.state dd .sec{font-size:.7em}
.sum.cash dd{color:#ffd54a;font-size:1.55rem}
.riders{list-style:none;display:flex;flex-wrap:wrap;gap:.2rem .4rem;font-size:.72rem;margin-top:.15rem;max-height:2.6rem;overflow-y:auto}
.riders li{background:#252b33;border-radius:.3rem;padding:.05rem .4rem;white-space:nowrap}
.riders li .pri,.riders li .sec{display:inline}.riders li .sec{margin-left:.3em;font-size:.85em}
.emulator{background:#14181c;border:1px dashed #46505c;border-radius:.6rem;padding:.25rem .4rem;min-width:0}
.emulator h2{font-size:.68rem;font-weight:600;color:#b9c2cc;margin-bottom:.2rem}
.emulator h2 .pri,.emulator h2 .sec{display:inline}.emulator h2 .sec{margin-left:.4em;font-size:.85em}
.cards{display:flex;gap:.35rem;overflow-x:auto;padding-bottom:.1rem;scroll-snap-type:x proximity}
.card{flex:0 0 auto;scroll-snap-align:start;max-width:17rem;text-align:left;background:#23405e;padding:.25rem .5rem;font-size:.72rem;display:flex;flex-direction:column;justify-content:center}
.card .card-label{font-weight:700;font-size:.8rem;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
.card .card-left{color:#cfe3f7;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}
.card .card-hold{color:#ffd54a;white-space:nowrap}
.card .card-hold .pri,.card .card-hold .sec{display:inline}.card .card-hold .sec{margin-left:.3em;font-size:.85em}
.controls{display:grid;grid-template-rows:auto minmax(0,1fr) auto;gap:.4rem;min-height:0}
.readout{background:#000;border:2px solid #3a424c;border-radius:.5rem;padding:.1rem .6rem;display:flex;align-items:center;justify-content:space-between;gap:.4rem}
.readout-label{font-size:.68rem;color:#b9c2cc}
.readout-label .sec{font-size:.9em}
#fare-readout{font-size:2rem;font-weight:800;color:#fff;white-space:nowrap}
#fare-readout.placeholder{color:#6b7580}
.keypad{display:grid;grid-template-columns:repeat(3,1fr);grid-auto-rows:minmax(48px,1fr);gap:.3rem;min-height:0}
.key{background:#2a3038;font-size:1.55rem;font-weight:700}
.key:active{background:#46505c}
.actions{display:grid;grid-template-columns:1fr 1fr;gap:.3rem}
.action{padding:.2rem .3rem;font-size:.95rem;font-weight:700;line-height:1.1}
.action .sec{font-size:.62em}
.action.go{background:#1b7a3c;color:#fff}
.action.stop{background:#8f1d22;color:#fff}
.action.plain{background:#3a4450;color:#fff}
.action:active:not(:disabled){filter:brightness(1.25)}
.overlay{position:fixed;inset:0;background:rgba(0,0,0,.85);display:flex;align-items:center;justify-content:center;z-index:10}
.dialog{background:#1a1e23;border:2px solid #5aa9e6;border-radius:.6rem;padding:1rem;display:flex;flex-direction:column;gap:.6rem;width:min(26rem,90vw)}
.dialog label{font-size:1.1rem;font-weight:700}
.dialog input{font:inherit;font-size:1.2rem;min-height:48px;padding:.3rem .6rem;border-radius:.4rem;border:2px solid #46505c;background:#000;color:#fff;user-select:text}
.dialog .error{color:#ff9c94}
@media (prefers-reduced-motion:no-preference){.result.flash{animation:flash .35s ease-out}}
@keyframes flash{from{transform:scale(.97);filter:brightness(1.6)}to{transform:none;filter:none}}
`;
