import { CopyButton } from './copy-button';

/** Code or a generated file (`.proto`, JSON, an SDK snippet) in a scrollable monospace block with "Copy". */
export function CodeBlock({ code, maxHeight = 'max-h-96' }: { code: string; maxHeight?: string }) {
  return (
    <div className="relative">
      <div className="absolute top-2 right-2">
        <CopyButton text={code} />
      </div>
      <pre
        // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling block must be reachable by keyboard (axe's scrollable-region-focusable)
        tabIndex={0}
        className={`${maxHeight} overflow-auto rounded-md bg-zinc-50 p-3 pr-20 font-mono text-xs leading-relaxed text-zinc-800 ring-1 ring-zinc-200 ring-inset dark:bg-zinc-950 dark:text-zinc-200 dark:ring-zinc-800`}
      >
        <code>{code}</code>
      </pre>
    </div>
  );
}
