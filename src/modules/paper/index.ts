export { renderSummonsPdf, verifyUrl, assertVerifyBase, paperFonts, DEFAULT_VERIFY_BASE, KAZAKH_LETTERS, type PaperSummons, type RenderOptions } from './render.ts';
export { paperSummonses, type PaperTarget } from './load.ts';
export { PAPER_LANGS, PURPOSE as PAPER_PURPOSE_WORDING, type Bilingual, type PaperLang } from './wording.ts';
