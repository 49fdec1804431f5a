/**
 * Dependencies requested by a dist-tag (`"jschardet": "latest"`) are resolved against the
 * registry when `npm ci` runs, so the day the tag moves the lockfile no longer satisfies
 * package.json and every clean install fails. This finds such requests in a lockfile that
 * `overrides` in package.json does not pin.
 */
import semver from 'semver';

export interface DistTagRequest {
  /** The requested package. */
  readonly name: string;
  /** The tag it is requested by (`latest`, `next`, …). */
  readonly tag: string;
  /** Who asks: the lockfile path of the requesting package (`''` is the project itself). */
  readonly requester: string;
}

interface LockPackage {
  readonly dependencies?: Record<string, string>;
  readonly optionalDependencies?: Record<string, string>;
  readonly devDependencies?: Record<string, string>;
  readonly peerDependencies?: Record<string, string>;
}

export interface Lockfile {
  readonly packages?: Record<string, LockPackage>;
}

/**
 * Whether a dependency spec is a dist-tag: not a semver range or version, not an alias
 * (`npm:`), git, file, URL or workspace spec, just a bare word like `latest` or `next`.
 */
export function isDistTag(spec: string): boolean {
  const trimmed = spec.trim();
  if (trimmed === '' || !/^[A-Za-z0-9._~-]+$/.test(trimmed)) return false;
  return semver.validRange(trimmed, { loose: true }) === null;
}

/** Every dist-tag request in the lockfile whose package `overrides` does not pin. */
export function unpinnedDistTags(lock: Lockfile, overrides: Record<string, unknown> = {}): DistTagRequest[] {
  const found: DistTagRequest[] = [];
  for (const [requester, entry] of Object.entries(lock.packages ?? {})) {
    const requested = {
      ...entry.peerDependencies,
      ...entry.optionalDependencies,
      ...entry.dependencies,
      // A package's own dev dependencies are never installed; the project's are.
      ...(requester === '' ? entry.devDependencies : {}),
    };
    for (const [name, spec] of Object.entries(requested)) {
      if (!isDistTag(spec) || pinnedBy(overrides, name)) continue;
      // `"parent": { "name": "1.2.3" }` pins it for that parent only.
      const scoped = overrides[packageNameOf(requester)];
      if (scoped && typeof scoped === 'object' && pinnedBy(scoped as Record<string, unknown>, name)) continue;
      found.push({ name, tag: spec.trim(), requester });
    }
  }
  return found;
}

/** Whether `overrides` pins `name` to a version or range (not to another tag). */
function pinnedBy(overrides: Record<string, unknown>, name: string): boolean {
  const value = overrides[name];
  if (typeof value === 'string') return !isDistTag(value);
  // `"pkg": { ".": "1.2.3", … }` pins the package itself too.
  if (value && typeof value === 'object' && typeof (value as Record<string, unknown>)['.'] === 'string') {
    return !isDistTag((value as Record<string, string>)['.']);
  }
  return false;
}

/** `node_modules/a/node_modules/@s/b` → `@s/b`. */
function packageNameOf(lockPath: string): string {
  const index = lockPath.lastIndexOf('node_modules/');
  return index < 0 ? lockPath : lockPath.slice(index + 'node_modules/'.length);
}
