import { describe, expect, it } from 'vitest';
import { sanitiseHtml } from '@shared/mime/sanitise-html';

/** One hostile construct each, and what must not survive of it. */
const HOSTILE: [string, string, RegExp][] = [
  ['a script element', '<p>Hi</p><script>alert(1)</script>', /script|alert/i],
  ['an event handler', '<img src="cid:a" onerror="alert(1)">', /onerror|alert/i],
  ['a javascript: link', '<a href="javascript:alert(1)">x</a>', /javascript|alert/i],
  ['an entity-spelt javascript: link', '<a href="jav&#x09;ascript&colon;alert(1)">x</a>', /alert/i],
  ['a data: link', '<a href="data:text/html;base64,PHNjcmlwdD4=">x</a>', /data:/i],
  ['an SVG with script', '<svg onload="alert(1)"><script>alert(2)</script></svg>', /svg|alert/i],
  ['an SVG image as data:', '<img src="data:image/svg+xml;base64,PHN2Zz4=">', /svg/i],
  ['an iframe', '<iframe src="https://evil.example/"></iframe>', /iframe|evil/i],
  ['an object and an embed', '<object data="x.swf"></object><embed src="y.swf">', /swf/i],
  ['a form', '<form action="https://evil.example/"><input name="p"></form>', /form|input|evil/i],
  ['a base element', '<base href="https://evil.example/"><a href="x">x</a>', /base|evil/i],
  [
    'a meta refresh',
    '<meta http-equiv="refresh" content="0;url=https://evil.example/">',
    /meta|evil/i,
  ],
  ['a style element', '<style>body{background:url(javascript:alert(1))}</style>', /style|alert/i],
  ['a CSS expression', '<p style="width:expression(alert(1))">x</p>', /expression|alert/i],
  ['a CSS url()', '<p style="background:url(javascript:alert(1))">x</p>', /url|alert/i],
  ['an escaped CSS url()', '<p style="background:u\\72l(https://t.example/)">x</p>', /t\.example/i],
  ['a fixed overlay', '<div style="position:fixed;top:0">x</div>', /position/i],
  ['a protocol-relative link', '<a href="//evil.example/">x</a>', /evil/i],
];

describe('message HTML as sesame returns it', () => {
  it.each(HOSTILE)('drops %s', (_name, html, forbidden) => {
    expect(sanitiseHtml(html)).not.toMatch(forbidden);
  });

  it('keeps what shows a message: text, tables, links, layout styles, cid and inline images', () => {
    const html =
      '<table cellpadding="2"><tr><td colspan="2" style="padding:4px;color:#333">Dear Alice,</td></tr></table>' +
      '<p><a href="https://nhs.example/results?id=1">Results</a> <a href="mailto:ward@nhs.example">Ward</a></p>' +
      '<img src="cid:logo@partner" alt="Logo"><img src="data:image/png;base64,iVBORw0KGgo=" alt="Dot">';

    const clean = sanitiseHtml(html);

    expect(clean).toContain('<td colspan="2" style="padding:4px;color:#333">Dear Alice,</td>');
    expect(clean).toContain(
      '<a href="https://nhs.example/results?id=1" target="_blank" rel="noopener noreferrer">Results</a>',
    );
    expect(clean).toContain('href="mailto:ward@nhs.example"');
    expect(clean).toContain('<img alt="Logo" src="cid:logo@partner" />');
    expect(clean).toContain('src="data:image/png;base64,iVBORw0KGgo="');
  });

  it('moves a remote image to data-src, so it loads only when the reader asks', () => {
    const clean = sanitiseHtml(
      '<img src="https://track.example/open.gif?u=alice" data-src="javascript:alert(1)" width="1">',
    );

    expect(clean).toBe('<img width="1" data-src="https://track.example/open.gif?u=alice" />');
  });
});
