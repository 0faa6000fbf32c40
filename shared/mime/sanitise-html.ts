import sanitizeHtml, { type IOptions } from 'sanitize-html';

/**
 * The HTML body of a message as sesame stores and returns it. Mail HTML is written by strangers,
 * so it is cut down to what displays a message and nothing that acts: no script, no event
 * handlers, no `javascript:` (or any other scheme but http(s), mailto and tel) in links, no
 * iframes, objects, embeds, forms, `<base>`, `<meta>` (refresh) or `<style>` blocks, no SVG or
 * MathML, and inline `style` reduced to layout and typography properties with no `url(` or
 * `expression(`. Remote images do not load by themselves: their address moves from `src` to
 * `data-src`, so a client shows them only when the user asks (a remote image tells the sender
 * when and where the mail was read). `cid:` images and inline raster `data:` images stay.
 * The original is kept unchanged in the raw message (`GET .../raw`). Changing this policy means
 * bumping HTML_POLICY_VERSION (shared/mailbox/model).
 */

/** CSS properties kept in `style` attributes: how mail looks, never where it reaches. */
const STYLE_PROPERTIES = [
  'color',
  'background-color',
  'background',
  'font',
  'font-family',
  'font-size',
  'font-style',
  'font-variant',
  'font-weight',
  'text-align',
  'text-decoration',
  'text-indent',
  'text-transform',
  'line-height',
  'letter-spacing',
  'word-spacing',
  'white-space',
  'vertical-align',
  'direction',
  'display',
  'float',
  'clear',
  'width',
  'height',
  'min-width',
  'max-width',
  'min-height',
  'max-height',
  'list-style-type',
  'table-layout',
  'border-collapse',
  'border-spacing',
  ...['', '-top', '-right', '-bottom', '-left'].flatMap((side) => [
    `margin${side}`,
    `padding${side}`,
    `border${side}`,
    `border${side}-color`,
    `border${side}-style`,
    `border${side}-width`,
  ]),
  'border-radius',
];

/**
 * A CSS value made of plain words, numbers, colours and quoted font names, with no function
 * that fetches or runs anything. Backslashes, colons and comments are refused outright, so
 * neither `u\rl(` nor `javascript:` can be spelt another way.
 */
const SAFE_CSS_VALUE =
  /^(?![\s\S]*(?:url|expression|image|image-set|element|cross-fade|paint|env|attr)\s*\()[-\w\s#%.,!'"()/+]*$/i;

/** Inline images a browser only ever decodes as pictures. */
const INLINE_IMAGE = /^data:image\/(?:png|jpeg|gif|webp);base64,[a-z0-9+/=\s]*$/i;
const REMOTE = /^https?:\/\//i;

const OPTIONS: IOptions = {
  allowedTags: [
    ...sanitizeHtml.defaults.allowedTags,
    'img',
    'font',
    'center',
    'big',
    'tt',
    'strike',
    'del',
    'ins',
  ],
  // Dropped with everything inside them, not just their tags.
  nonTextTags: [
    'script',
    'style',
    'textarea',
    'option',
    'title',
    'noscript',
    'noembed',
    'noframes',
    'template',
    'iframe',
    'object',
    'svg',
    'math',
    'xmp',
  ],
  disallowedTagsMode: 'discard',
  allowedAttributes: {
    '*': ['style', 'title', 'dir', 'lang', 'align', 'valign', 'width', 'height', 'bgcolor'],
    a: ['href', 'name', 'target', 'rel'],
    img: ['src', 'data-src', 'alt', 'border'],
    font: ['color', 'face', 'size'],
    table: ['border', 'cellpadding', 'cellspacing'],
    td: ['colspan', 'rowspan', 'nowrap'],
    th: ['colspan', 'rowspan', 'nowrap', 'scope'],
    col: ['span'],
    colgroup: ['span'],
    ol: ['start', 'type'],
  },
  allowedSchemes: ['http', 'https', 'mailto', 'tel'],
  allowedSchemesByTag: { img: ['cid', 'data', 'http', 'https'] },
  allowedSchemesAppliedToAttributes: ['href', 'src', 'cite', 'data-src'],
  allowProtocolRelative: false,
  allowedStyles: {
    '*': Object.fromEntries(STYLE_PROPERTIES.map((property) => [property, [SAFE_CSS_VALUE]])),
  },
  transformTags: {
    a: (tagName, attribs) => ({
      tagName,
      attribs: { ...attribs, target: '_blank', rel: 'noopener noreferrer' },
    }),
    img: (tagName, { src = '', 'data-src': _sendersOwn, ...attribs }) => {
      const source = src.trim();
      if (REMOTE.test(source)) return { tagName, attribs: { ...attribs, 'data-src': source } };
      if (/^cid:/i.test(source) || INLINE_IMAGE.test(source)) {
        return { tagName, attribs: { ...attribs, src: source } };
      }
      return { tagName, attribs };
    },
  },
};

/** The message HTML made safe to show (see above); linear in the input, as htmlparser2 is. */
export function sanitiseHtml(html: string): string {
  return sanitizeHtml(html, OPTIONS);
}
