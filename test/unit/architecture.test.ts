import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * The folder rules of shared/ (README, Layout): no domain folder imports shared/http, and the
 * folders import each other without a cycle of any length. Imports are read with a small
 * parser (every `from '…'`, `import '…'` and `import('…')` specifier), so the rule holds
 * whatever the build tool does.
 */
const SHARED = resolve(dirname(fileURLToPath(import.meta.url)), '../../shared');
const HTTP = 'http';

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

const SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(?\s*)['"]([^'"]+)['"]/g;

/** The shared/ folder a specifier in `file` points at, or undefined outside shared/. */
function targetFolder(file: string, specifier: string): string | undefined {
  let target: string;
  if (specifier.startsWith('@shared/')) target = join(SHARED, specifier.slice('@shared/'.length));
  else if (specifier.startsWith('.')) target = resolve(dirname(file), specifier);
  else return undefined;
  const path = relative(SHARED, target);
  return path.startsWith('..') ? undefined : path.split(/[\\/]/)[0];
}

/** folder -> folders it imports (other than itself), with one file as evidence for each. */
function folderGraph(): Map<string, Map<string, string>> {
  const graph = new Map<string, Map<string, string>>();
  for (const file of sourceFiles(SHARED)) {
    const folder = relative(SHARED, file).split(/[\\/]/)[0] as string;
    const edges = graph.get(folder) ?? new Map<string, string>();
    graph.set(folder, edges);
    for (const match of readFileSync(file, 'utf8').matchAll(SPECIFIER)) {
      const target = targetFolder(file, match[1] as string);
      if (target && target !== folder && !edges.has(target)) {
        edges.set(target, relative(SHARED, file));
      }
    }
  }
  return graph;
}

/** Every cycle's folders (strongly connected components larger than one), Tarjan's way. */
function cycles(graph: Map<string, Map<string, string>>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  let next = 0;
  const visit = (node: string) => {
    index.set(node, next);
    low.set(node, next);
    next++;
    stack.push(node);
    onStack.add(node);
    for (const target of graph.get(node)?.keys() ?? []) {
      if (!index.has(target)) {
        visit(target);
        low.set(node, Math.min(low.get(node)!, low.get(target)!));
      } else if (onStack.has(target)) {
        low.set(node, Math.min(low.get(node)!, index.get(target)!));
      }
    }
    if (low.get(node) === index.get(node)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      if (component.length > 1) found.push(component.sort());
    }
  };
  for (const node of graph.keys()) if (!index.has(node)) visit(node);
  return found;
}

describe('the folders of shared/', () => {
  const graph = folderGraph();

  it('reads the imports it checks', () => {
    expect(graph.get('mailbox')?.has('tenancy')).toBe(true);
  });

  it('keep the domain free of shared/http', () => {
    const offenders = [...graph]
      .filter(([folder, edges]) => folder !== HTTP && edges.has(HTTP))
      .map(([folder, edges]) => `${folder} (${edges.get(HTTP)})`);
    expect(offenders).toEqual([]);
  });

  it('keep shared/search to the folders the README lists for it (no store, no inbound)', () => {
    // Issue 11, search: the domain works on its port; the DynamoDB adapter is shared/store's.
    const allowed = new Set(['errors', 'log', 'mime', 'mailbox', 'paging', 'tenancy']);
    const outside = [...(graph.get('search') ?? new Map<string, string>())]
      .filter(([folder]) => !allowed.has(folder))
      .map(([folder, file]) => `${folder} (${file})`);
    expect(graph.get('search')?.has('mailbox')).toBe(true);
    expect(outside).toEqual([]);
  });

  it('import each other without a cycle', () => {
    const described = cycles(graph).map((component) =>
      component
        .flatMap((from) =>
          component
            .filter((to) => graph.get(from)?.has(to))
            .map((to) => `${from} -> ${to} (${graph.get(from)?.get(to)})`),
        )
        .join('; '),
    );
    expect(described).toEqual([]);
  });
});
