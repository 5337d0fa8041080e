/** The first source under root newer than its compiled file in dist/ (or without one), relative to root; null when dist/ is up to date. */
export function staleSource(root: string): string | null;
