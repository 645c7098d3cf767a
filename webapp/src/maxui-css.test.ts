// @vitest-environment node
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error plain ESM build script without type declarations
import { UNUSED, isUnusedSelector, pruneCss } from '../scripts/prune-maxui-css.mjs';

const MAXUI = join(__dirname, '..', 'node_modules', '@maxhub', 'max-ui', 'dist');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return sources(p);
    return /\.tsx?$/.test(name) && !/\.test\.tsx?$/.test(name) ? [p] : [];
  });
}

describe('max-ui CSS pruning (scripts/prune-maxui-css.mjs)', () => {
  it('prunes only components the app does not import', () => {
    const imported = new Set<string>();
    for (const file of sources(__dirname)) {
      for (const m of readFileSync(file, 'utf8').matchAll(/import\s*\{([^}]*)\}\s*from\s*'@maxhub\/max-ui'/g)) {
        m[1]!.split(',').forEach((n) => imported.add(n.replace(/^\s*type\s+/, '').trim()));
      }
    }
    expect(imported.has('Button')).toBe(true);
    for (const name of UNUSED as string[]) expect(imported.has(name), name).toBe(false);
  });

  it('prunes only components no other max-ui component renders (referenced only by their export)', () => {
    const js = readFileSync(join(MAXUI, 'index.js'), 'utf8');
    const exported = new Map(
      js.match(/export\{([^}]*)\}/)![1]!.split(',').map((e) => {
        const [local, name] = e.split(' as ');
        return [name!, local!] as const;
      }),
    );
    for (const name of UNUSED as string[]) {
      const local = exported.get(name);
      expect(local, name).toBeDefined();
      const refs = js.match(new RegExp(`(?<![\\w$.])${local!.replace(/\$/g, '\\$')}(?![\\w$])`, 'g'))!.length;
      expect(refs, `${name} is defined, named and exported, nothing else`).toBe(3);
    }
  });

  it('removes those rules from the real stylesheet and keeps every rendered component and token', () => {
    const css = readFileSync(join(MAXUI, 'styles.css'), 'utf8');
    const out = pruneCss(css) as string;
    expect(out.length).toBeLessThan(css.length * 0.8);
    expect(out).not.toMatch(/\.IconButton__/);
    expect(out).not.toMatch(/\.CellSimple__/);
    for (const kept of ['.Button__', '.Spinner__', '.SearchInput__', '.Switch__', '.AvatarContainer__', '.Counter__', '--text-primary']) {
      expect(out, kept).toContain(kept);
    }
    expect(isUnusedSelector('.SearchInput__clearButton__x')).toBe(false);
    expect(isUnusedSelector('.Input_disabled__mpt')).toBe(true);
  });
});
