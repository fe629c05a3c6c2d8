'use client';

import { WINDOWS, type WindowSeconds } from './live-series';

/** The time window of the live charts: 1, 5 or 15 minutes, as a segmented radio group. */
export function WindowSelect({
  value,
  onChange,
}: {
  value: WindowSeconds;
  onChange: (value: WindowSeconds) => void;
}) {
  return (
    <fieldset className="flex items-center gap-2">
      <legend className="sr-only">Time window</legend>
      <span aria-hidden="true" className="text-xs text-zinc-500 dark:text-zinc-400">
        Window
      </span>
      <div className="inline-flex rounded-md border border-zinc-300 bg-white p-0.5 shadow-xs dark:border-zinc-700 dark:bg-zinc-900">
        {WINDOWS.map((w) => (
          <label
            key={w.seconds}
            className={`cursor-pointer rounded px-2.5 py-1 text-xs font-medium has-focus-visible:outline-2 has-focus-visible:outline-sky-500 ${
              value === w.seconds
                ? 'bg-zinc-900 text-white dark:bg-zinc-100 dark:text-zinc-900'
                : 'text-zinc-600 hover:text-zinc-900 dark:text-zinc-400 dark:hover:text-zinc-100'
            }`}
          >
            <input
              type="radio"
              name="time-window"
              className="sr-only"
              value={w.seconds}
              checked={value === w.seconds}
              onChange={() => onChange(w.seconds)}
            />
            {w.label}
          </label>
        ))}
      </div>
    </fieldset>
  );
}
