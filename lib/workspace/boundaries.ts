import fs from 'node:fs';
import path from 'node:path';

const dirs = new Map<string, string>();

/**
 * The package or project a file belongs to, for naming the hops of a chain that cross from
 * one to another: the nearest directory above it with a package.json or a tsconfig.json.
 */
export function projectDirOf(fileName: string): string {
  const start = path.dirname(fileName);
  const known = dirs.get(start);
  if (known !== undefined) return known;
  let found = start;
  for (let current = start; ; current = path.dirname(current)) {
    if (fs.existsSync(path.join(current, 'package.json')) || fs.existsSync(path.join(current, 'tsconfig.json'))) {
      found = current;
      break;
    }
    if (path.dirname(current) === current) break;
  }
  dirs.set(start, found);
  return found;
}
