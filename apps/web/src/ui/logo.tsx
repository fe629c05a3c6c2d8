/** The console's mark and name. */
export function Logo() {
  return (
    <span className="flex items-center gap-2 font-semibold tracking-tight text-zinc-900 dark:text-zinc-50">
      <svg
        aria-hidden="true"
        viewBox="0 0 24 24"
        className="size-5 text-sky-600 dark:text-sky-400"
        fill="none"
      >
        <path
          d="M3 8c2.5-2 4.5-2 7 0s4.5 2 7 0 3-1.5 4-1M3 13c2.5-2 4.5-2 7 0s4.5 2 7 0 3-1.5 4-1M3 18c2.5-2 4.5-2 7 0s4.5 2 7 0 3-1.5 4-1"
          stroke="currentColor"
          strokeWidth="2"
          strokeLinecap="round"
        />
      </svg>
      Lakestream
    </span>
  );
}
