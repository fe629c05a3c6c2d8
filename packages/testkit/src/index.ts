/**
 * @lakestream/testkit: seeded data for tests and benchmarks — one PRNG, descriptors built the way protoc
 * writes them, and the benchmark records of the shared spec (NEOWISE-like, ClickBench) as protobuf and JSON.
 * Private: test suites and bench/ use it, no product code does.
 */
export * from './clickbench-gen.js';
export * from './clickbench-proto.js';
export * from './descriptor-bytes.js';
export * from './neowise-gen.js';
export * from './neowise-proto.js';
export * from './prng.js';
export * from './records.js';
export * from './schemas.js';
export * from './zerobus-sdk.js';
