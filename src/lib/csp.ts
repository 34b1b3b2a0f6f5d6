/**
 * The page's Content-Security-Policy, built once at build time (vite.config.ts)
 * from the deployer's list of remote origins (crm-lens.config.json). Every
 * directive but `connect-src` is fixed; `connect-src` is `'self'` plus exactly
 * the configured origins, so the app can fetch nothing else, inside DuckDB's
 * worker included (src/db/browser.ts starts it under this policy).
 */

/** `scheme://host[:port]`, http or https, nothing after: no path, wildcard, quote, space or `;`. */
const ORIGIN = /^https?:\/\/(?:[a-z0-9-]+\.)*[a-z0-9-]+(?::\d{1,5})?$|^https?:\/\/\[[0-9a-f:.]+\](?::\d{1,5})?$/i;

/**
 * The configured origins, checked and normalised (lower case, no trailing `/`,
 * duplicates dropped). Throws on anything that is not a plain origin, so a typo
 * or an attempt to smuggle another directive in fails the build instead of
 * widening the policy.
 */
export function normaliseOrigins(origins: readonly unknown[]): string[] {
  const out: string[] = [];
  for (const raw of origins) {
    if (typeof raw !== 'string') throw new Error(`remoteOrigins: ${JSON.stringify(raw)} is not a string`);
    const o = raw.trim().replace(/\/$/, '');
    if (!ORIGIN.test(o)) throw new Error(`remoteOrigins: "${raw}" is not an origin like https://data.example.com (scheme, host, optional port; no path or wildcard)`);
    const canonical = new URL(o).origin;
    if (!out.includes(canonical)) out.push(canonical);
  }
  return out;
}

/**
 * The two response headers that make the page cross-origin isolated, so that
 * DuckDB runs its threaded build (src/db/browser.ts). A meta tag cannot set
 * them: the host must (README "Threads" lists the settings for common hosts).
 * `npm start` and `npm run preview` send them.
 */
export const CROSS_ORIGIN_ISOLATION = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' } as const;

/** The full policy for index.html's meta tag. */
export function contentSecurityPolicy(origins: readonly string[]): string {
  const connect = ["'self'", 'blob:', 'data:', ...normaliseOrigins(origins)].join(' ');
  return [
    "default-src 'self'",
    "script-src 'self' 'wasm-unsafe-eval'",
    "worker-src 'self' blob:",
    `connect-src ${connect}`,
    "img-src 'self' blob: data:",
    "style-src 'self' 'unsafe-inline'",
    "font-src 'self' data:",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'none'",
  ].join('; ');
}

/** The origins from the config file's text and the `CRM_LENS_REMOTE_ORIGINS` variable (comma separated), checked. */
export function configuredOrigins(configText: string | null, env: string | undefined): string[] {
  const fromFile: unknown[] = [];
  if (configText !== null) {
    const parsed: unknown = JSON.parse(configText);
    const list = (parsed as { remoteOrigins?: unknown } | null)?.remoteOrigins ?? [];
    if (!Array.isArray(list)) throw new Error('crm-lens.config.json: "remoteOrigins" must be a list of origins');
    fromFile.push(...(list as unknown[]));
  }
  const fromEnv = (env ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  return normaliseOrigins([...fromFile, ...fromEnv]);
}

/** Replace the `content` of index.html's CSP meta tag; throws when the tag is missing, so the policy cannot silently go. */
export function withPolicy(html: string, policy: string): string {
  const re = /(<meta\s+http-equiv="Content-Security-Policy"\s+content=")[^"]*(")/;
  if (!re.test(html)) throw new Error('index.html has no Content-Security-Policy meta tag');
  return html.replace(re, `$1${policy}$2`);
}
