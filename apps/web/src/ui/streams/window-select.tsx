'use client';

/** One choice of a `WindowSelect`. */
export interface WindowOption<T extends string | number> {
  readonly value: T;
  readonly label: string;
}

/** A chart's time window as a segmented radio group (group name `Time window`). */
export function WindowSelect<T extends string | number>({
  value,
  options,
  onChange,
}: {
  value: T;
  options: readonly WindowOption<T>[];
  onChange: (value: T) => void;
}) {
  return (
    <fieldset className="flex items-center gap-2">
      <legend className="sr-only">Time window</legend>
      <span aria-hidden="true" className="text-xs text-zinc-500 dark:text-zinc-400">
        Window
      </span>
      <div className="inline-flex rounded-md border border-zinc-300 bg-white p-0.5 shadow-xs dark:border-zinc-700 dark:bg-zinc-900">
        {options.map((w) => (
          <label
            key={w.value}
            className={`cursor-pointer rounded px-2.5 py-1 text-xs font-medium has-focus-visible:outline-2 has-focus-visible:outline-sky-500 ${
              value === w.value
                ? 'bg-zinc-900 text-white dark:bg-zinc-100 dark:text-zinc-900'
                : 'text-zinc-600 hover:text-zinc-900 dark:text-zinc-400 dark:hover:text-zinc-100'
            }`}
          >
            <input
              type="radio"
              name="time-window"
              className="sr-only"
              value={w.value}
              checked={value === w.value}
              onChange={() => onChange(w.value)}
            />
            {w.label}
          </label>
        ))}
      </div>
    </fieldset>
  );
}
