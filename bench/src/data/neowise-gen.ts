// Moved to @lakestream/testkit; this path stays valid for code written against it.
export * from '@lakestream/testkit';
