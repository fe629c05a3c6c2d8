import type { loadSchema } from '@lakestream/testkit';
import { createParser, type Parser, type ParserOptions } from '../../src/index.js';

/**
 * The parser of a loaded test schema, given as its syntax needs: a proto2 message as the bare DescriptorProto
 * Zerobus sends, a proto3 one as a FileDescriptorSet (a bare DescriptorProto does not say proto3).
 */
export function parserFor(s: ReturnType<typeof loadSchema>, options: ParserOptions = {}): Parser {
  return s.syntax === 'proto2'
    ? createParser(s.descriptorProto, options)
    : createParser({ fileDescriptorSet: s.fileDescriptorSet, messageName: s.messageName }, options);
}
