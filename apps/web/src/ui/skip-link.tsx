/** The `id` of every page's `<main>`, where the skip link leads. */
export const MAIN_CONTENT_ID = 'main-content';

/**
 * "Skip to content": the first thing Tab reaches on every page, hidden until focused; it moves focus past the
 * header to the page's `<main id={MAIN_CONTENT_ID} tabIndex={-1}>`.
 */
export function SkipLink() {
  return (
    <a
      href={`#${MAIN_CONTENT_ID}`}
      className="sr-only rounded-md bg-white px-3 py-2 text-sm font-medium text-sky-800 shadow ring-2 ring-sky-600 focus:not-sr-only focus:fixed focus:top-2 focus:left-2 focus:z-50 dark:bg-zinc-900 dark:text-sky-300"
    >
      Skip to content
    </a>
  );
}
