// The look of <cognito-login>: its style sheet and the DOM builders its forms are made of.
import { generate as qrCode } from "lean-qr/nano";

export const STYLE = `
:host { display: block; max-width: var(--cognito-login-width, 24rem);
  font: var(--cognito-login-font, 400 15px/1.5 system-ui, sans-serif);
  color: var(--cognito-login-color, #1d2433); --accent: var(--cognito-login-accent, #2f5bea);
  --radius: var(--cognito-login-radius, 10px); --line: var(--cognito-login-border, #d5dae3);
  --muted: var(--cognito-login-muted, #5b6577); }
:host([hidden]) { display: none; }
[part=container] { background: var(--cognito-login-background, #fff); border: 1px solid var(--line);
  border-radius: var(--radius); padding: 1.75rem; box-shadow: 0 1px 3px #0000000f; }
[part=heading] { margin: 0 0 1rem; font-size: 1.3em; line-height: 1.3; outline: none; }
[part=intro] { margin: 0 0 1rem; color: var(--muted); }
[part=label], fieldset { display: grid; gap: .35rem; margin: 0 0 1rem; font-weight: 600; font-size: .9em; }
fieldset { border: 0; padding: 0; }
fieldset label { display: flex; gap: .5rem; align-items: center; font-weight: 400; font-size: 1.1em; }
[part=input] { font: inherit; font-size: 1.1em; font-weight: 400; color: inherit; padding: .55rem .7rem;
  border: 1px solid var(--line); border-radius: calc(var(--radius) * .6); background: transparent; }
[part=input]:focus-visible, button:focus-visible, a:focus-visible, [part=heading]:focus-visible {
  outline: 2px solid var(--accent); outline-offset: 2px; }
[part~=button] { width: 100%; margin-top: .25rem; padding: .65rem 1rem; font: inherit; font-weight: 600;
  color: var(--cognito-login-accent-text, #fff); background: var(--accent); border: 0;
  border-radius: calc(var(--radius) * .6); cursor: pointer; }
[part~=button]:disabled, [part~=button][aria-disabled] { opacity: .6; cursor: progress; }
[part~=secondary] { color: var(--accent); background: transparent; border: 1px solid var(--accent); }
[part~=button] + [part~=button] { margin-top: .6rem; }
.or { display: flex; align-items: center; gap: .75rem; margin: .9rem 0 .6rem; color: var(--muted); font-size: .9em; }
.or::before, .or::after { content: ""; flex: 1; border-top: 1px solid var(--line); }
.links { display: flex; flex-wrap: wrap; gap: 0 1.25rem; }
[part~=link] { display: inline-block; margin-top: 1rem; padding: 0; font: inherit; font-size: .9em;
  color: var(--accent); background: none; border: 0; text-decoration: underline; cursor: pointer; }
[part=error], [part=status] { margin: 0; border-radius: calc(var(--radius) * .6); }
[part=error]:not(:empty) { margin-bottom: 1rem; padding: .6rem .8rem;
  color: var(--cognito-login-error, #a4161a); background: var(--cognito-login-error-background, #fdeceb); }
[part=status]:not(:empty) { margin-bottom: 1rem; padding: .6rem .8rem; background: #eaf7ee; color: #17603a; }
[part=qr] { display: block; width: 10rem; margin: 0 auto 1rem; background: #fff; }
[part=secret] { display: block; margin: 0 0 1rem; padding: .5rem; text-align: center; word-spacing: .3em;
  font: 600 1em ui-monospace, monospace; background: #f3f5f9; border-radius: calc(var(--radius) * .6); }
dl { margin: 0 0 1rem; } dt { font-weight: 600; } dd { margin: 0 0 .5rem; }
`;

/** `phone_number` -> "Phone number", `custom:team` -> "Team". */
export const attributeLabel = (name) => {
  const words = name.replace(/^custom:/, "").replace(/_/g, " ");
  return words.charAt(0).toUpperCase() + words.slice(1);
};

/** A DOM element: attributes (`on…` are listeners) and children. */
export function h(tag, attributes, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes ?? {})) {
    if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else if (value === true) node.setAttribute(key, "");
    else if (value != null && value !== false) node.setAttribute(key, value);
  }
  node.append(...children.flat(Infinity).filter((child) => child != null && child !== false));
  return node;
}

export const input = (label, attributes) =>
  h("label", { part: "label" }, label, h("input", { part: "input", required: true, ...attributes }));
export const usernameInput = (value) =>
  input("Username", { name: "username", value, autocomplete: "username", autocapitalize: "none", spellcheck: "false" });
export const passwordInput = (label, name, autocomplete) =>
  input(label, { name, type: "password", autocomplete });
export const codeInput = () =>
  input("Code", { name: "code", autocomplete: "one-time-code", inputmode: "numeric", spellcheck: "false" });
/** "We sent a code to +*******1234." (where a code went, when Cognito says). */
export const sent = (words, delivery) => (delivery?.destination ? `${words} to ${delivery.destination}.` : `${words}.`);
/** Radio buttons under a legend: `[value, label]` pairs, the first checked. */
export const choices = (legend, name, options) =>
  h("fieldset", {}, h("legend", {}, legend), options.map(([value, label], index) =>
    h("label", {}, h("input", { type: "radio", name, value, required: true, checked: index === 0 }), label)));

/** The QR code of `text` as an SVG (black on white, with the quiet zone). */
export function qrImage(text) {
  const code = qrCode(text);
  let path = "";
  for (let y = 0; y < code.size; y++) {
    for (let x = 0; x < code.size; x++) if (code.get(x, y)) path += `M${x} ${y}h1v1h-1z`;
  }
  const svgNode = (tag, attributes) => {
    const node = document.createElementNS("http://www.w3.org/2000/svg", tag);
    for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, value);
    return node;
  };
  const svg = svgNode("svg", {
    part: "qr",
    viewBox: `-4 -4 ${code.size + 8} ${code.size + 8}`,
    role: "img",
    "aria-label": "QR code for your authenticator app",
    "shape-rendering": "crispEdges",
  });
  svg.append(svgNode("path", { d: path }));
  return svg;
}
