/**
 * Which customer's profile is open. Mirrored in the URL hash
 * (`#customer=ID`), so a profile can be linked to and the browser's Back
 * button closes it; closing it (Esc, the Close button) takes the hash away again.
 */

const PREFIX = '#customer=';

/** The customer id in a URL hash, or null. */
export function customerFromHash(hash: string): string | null {
  if (!hash.startsWith(PREFIX)) return null;
  try {
    const id = decodeURIComponent(hash.slice(PREFIX.length));
    return id.trim() === '' ? null : id;
  } catch {
    return null;
  }
}

export function hashFor(id: string): string {
  return PREFIX + encodeURIComponent(id);
}

class ProfileState {
  id = $state<string | null>(null);
  /** This page put the current hash entry on the history stack (so closing goes back, not forward). */
  #pushed = false;

  open(id: string): void {
    const hash = hashFor(id);
    if (location.hash !== hash) {
      if (this.id === null) {
        history.pushState(null, '', hash);
        this.#pushed = true;
      } else {
        history.replaceState(null, '', hash);
      }
    }
    this.id = id;
  }

  close(): void {
    if (this.id === null) return;
    this.id = null;
    if (customerFromHash(location.hash) === null) return;
    if (this.#pushed) {
      this.#pushed = false;
      history.back();
    } else {
      history.replaceState(null, '', location.pathname + location.search);
    }
  }

  /** After Back/Forward or a typed hash: show what the URL says. */
  syncFromUrl(): void {
    const id = customerFromHash(location.hash);
    if (id === null) this.#pushed = false;
    this.id = id;
  }
}

export const profile = new ProfileState();
