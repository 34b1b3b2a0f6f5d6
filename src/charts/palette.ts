/** Colours shared by every chart (colour-blind-safe, Okabe–Ito based). */
export const BLUE = '#0072B2';
export const ORANGE = '#E69F00';
export const GREEN = '#009E73';
export const VERMILLION = '#D55E00';
export const SKY = '#56B4E9';
export const PURPLE = '#CC79A7';
export const PALETTE: readonly string[] = [BLUE, ORANGE, GREEN, VERMILLION, SKY, PURPLE, '#F0E442', '#000000'];
export const TEXT = '#1f2933';
export const MUTED = '#7b8794';
/** The app's font stack; Noto Sans SC ships with the app so Chinese labels render in every browser and export. */
export const FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Noto Sans SC', sans-serif";
