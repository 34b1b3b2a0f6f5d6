/** localStorage, or undefined where merely touching it throws (sandboxed frames, private mode). */
export function browserStorage(): Storage | undefined {
  try {
    return typeof localStorage === 'undefined' ? undefined : localStorage;
  } catch {
    return undefined;
  }
}
