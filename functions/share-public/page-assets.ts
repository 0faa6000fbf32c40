import { UPLOAD_SCRIPT } from './upload-script';

/**
 * The static files of the public pages, served from this origin so that the CSP needs nothing
 * inline. Small enough to live in the bundle.
 */
const PAGE_CSS = `:root { color-scheme: light dark; font-family: system-ui, sans-serif; }
body { margin: 0; padding: 2rem 1rem; line-height: 1.5; }
main { max-width: 36rem; margin: 0 auto; }
h1 { font-size: 1.4rem; }
.facts { display: grid; grid-template-columns: max-content 1fr; gap: 0.25rem 1rem; }
.facts dt { font-weight: 600; }
.facts dd { margin: 0; overflow-wrap: anywhere; }
form { display: grid; gap: 0.5rem; margin: 1.5rem 0; }
input, textarea, button { font: inherit; padding: 0.5rem; }
button { cursor: pointer; }
.notice { padding: 0.5rem; border: 2px solid #b00; }
.report { margin-top: 2rem; font-size: 0.9rem; }
progress { width: 100%; }
.message-text { white-space: pre-wrap; overflow-wrap: anywhere; font: inherit; }
.message-html { overflow-wrap: anywhere; border-left: 3px solid #888; padding-left: 1rem; }
.files { list-style: none; padding: 0; }
.files form { margin: 0.5rem 0; }
`;

export interface Asset {
  contentType: string;
  body: string;
}

/** `GET /assets/{name}`: only these names. */
export const ASSETS: Readonly<Record<string, Asset>> = {
  'page.css': { contentType: 'text/css; charset=utf-8', body: PAGE_CSS },
  'upload.js': { contentType: 'text/javascript; charset=utf-8', body: UPLOAD_SCRIPT },
};
