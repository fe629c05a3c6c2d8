import {
  isCatalogError,
  parseIdentifier,
  parseSchemaName,
  parseTableName,
  type SecurableType,
} from '@lakestream/catalog/contract';

/**
 * Why `name` cannot name a securable of `type` (`catalog`, `catalog.schema`, `catalog.schema.table`), in the
 * catalog's own words, or undefined: the pages check a typed name with the server's rules before asking.
 */
export function securableNameProblem(type: SecurableType, name: string): string | undefined {
  try {
    if (type === 'catalog') parseIdentifier(name, 'catalog');
    else if (type === 'schema') parseSchemaName(name);
    else parseTableName(name);
    return undefined;
  } catch (error) {
    if (isCatalogError(error, 'INVALID_NAME')) return error.message;
    throw error;
  }
}
