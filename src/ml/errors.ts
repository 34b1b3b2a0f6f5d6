/**
 * Errors a user can cause with their data or settings. The message carries both
 * languages (English line, then Chinese line) because it crosses the worker
 * boundary as plain text and the UI shows it as is.
 */
export function inputError(en: string, zh: string): Error {
  const e = new Error(`${en}\n${zh}`);
  e.name = 'MlInputError';
  return e;
}
