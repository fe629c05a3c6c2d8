import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/**
 * V8's full garbage collection (`global.gc`, twice), made available without starting node with
 * `--expose-gc`. Benchmarks call it after generating their data: the generator's garbage left in the old
 * generation makes every young-generation collection of the code under test dearer until it is collected.
 */
export function fullGarbageCollection(): () => void {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  return () => {
    gc();
    gc();
  };
}
