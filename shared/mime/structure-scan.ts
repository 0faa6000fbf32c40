/**
 * A pre-parse pass over the raw bytes that measures a message's MIME structure (parts, nesting,
 * header lines and bytes) and stops at the first broken limit. It runs before postal-mime so a
 * hostile message (a million tiny parts, 1,000 nested levels) costs one linear scan and no tree
 * in memory: such a message is delivered `unparsed` instead of being handed to the parser.
 */
export interface StructureLimits {
  maxMessageBytes: number;
  maxParts: number;
  maxNestingDepth: number;
  maxHeaderLines: number;
  maxHeaderBytes: number;
}

export interface StructureReport {
  parts: number;
  maxDepth: number;
  headerLines: number;
  headerBytes: number;
  /** Set when a limit is broken: which one, in words a user can read. */
  violation?: string;
}

type Container = { kind: 'multipart'; boundary: string } | { kind: 'message' };

const LF = 0x0a;
const DASH = 0x2d;
/** A header line longer than this is not worth looking into for a Content-Type. */
const MAX_CONTENT_TYPE_CHARS = 4096;

function contentTypeOf(header: string): { type: string; boundary?: string } {
  const type = /^\s*([^;\s]+)/.exec(header)?.[1]?.toLowerCase() ?? 'text/plain';
  const boundary = /boundary\s*=\s*(?:"([^"]*)"|([^;\s]*))/i.exec(header);
  const value = boundary?.[1] ?? boundary?.[2];
  return value ? { type, boundary: value } : { type };
}

export function scanStructure(raw: Uint8Array, limits: StructureLimits): StructureReport {
  const report: StructureReport = { parts: 1, maxDepth: 0, headerLines: 0, headerBytes: 0 };
  if (raw.byteLength > limits.maxMessageBytes) {
    return {
      ...report,
      violation: `message size ${raw.byteLength} bytes exceeds ${limits.maxMessageBytes}`,
    };
  }
  const stack: Container[] = [];
  const decoder = new TextDecoder('latin1');
  let inHeaders = true;
  let contentType = '';
  let collectingContentType = false;
  let start = 0;

  const endHeaders = (): string | undefined => {
    inHeaders = false;
    const { type, boundary } = contentTypeOf(contentType);
    contentType = '';
    collectingContentType = false;
    if (type.startsWith('multipart/') && boundary) stack.push({ kind: 'multipart', boundary });
    else if (type === 'message/rfc822' || type === 'message/global') {
      // The body is a whole message: its own headers start straight away.
      stack.push({ kind: 'message' });
      inHeaders = true;
      report.parts += 1;
    }
    report.maxDepth = Math.max(report.maxDepth, stack.length);
    if (stack.length > limits.maxNestingDepth) {
      return `MIME nesting deeper than ${limits.maxNestingDepth} levels`;
    }
    if (report.parts > limits.maxParts) return `more than ${limits.maxParts} MIME parts`;
    return undefined;
  };

  while (start < raw.byteLength) {
    let end = raw.indexOf(LF, start);
    if (end < 0) end = raw.byteLength;
    let lineEnd = end;
    if (lineEnd > start && raw[lineEnd - 1] === 0x0d) lineEnd -= 1;
    const length = lineEnd - start;

    if (inHeaders) {
      if (length === 0) {
        const violation = endHeaders();
        if (violation) return { ...report, violation };
      } else {
        report.headerLines += 1;
        report.headerBytes += end - start + 1;
        if (report.headerLines > limits.maxHeaderLines) {
          return { ...report, violation: `more than ${limits.maxHeaderLines} header lines` };
        }
        if (report.headerBytes > limits.maxHeaderBytes) {
          return { ...report, violation: `more than ${limits.maxHeaderBytes} bytes of headers` };
        }
        const folded = raw[start] === 0x20 || raw[start] === 0x09;
        if (!folded) collectingContentType = false;
        if (!folded && length > 13 && ((raw[start] ?? 0) | 0x20) === 0x63) {
          const name = decoder.decode(raw.subarray(start, start + 13)).toLowerCase();
          if (name === 'content-type:') collectingContentType = true;
        }
        if (collectingContentType && contentType.length < MAX_CONTENT_TYPE_CHARS) {
          contentType += decoder
            .decode(raw.subarray(start, lineEnd))
            .replace(/^content-type:/i, '');
        }
      }
    } else if (length >= 3 && raw[start] === DASH && raw[start + 1] === DASH && stack.length > 0) {
      const line = decoder.decode(raw.subarray(start + 2, lineEnd)).trimEnd();
      // The innermost multipart whose boundary this line is; enclosing ones may close inner ones.
      for (let i = stack.length - 1; i >= 0; i--) {
        const container = stack[i];
        if (container?.kind !== 'multipart') continue;
        if (line === container.boundary) {
          stack.length = i + 1;
          report.parts += 1;
          if (report.parts > limits.maxParts) {
            return { ...report, violation: `more than ${limits.maxParts} MIME parts` };
          }
          inHeaders = true;
          break;
        }
        if (line === `${container.boundary}--`) {
          stack.length = i;
          break;
        }
      }
    }
    start = end + 1;
  }
  return report;
}
