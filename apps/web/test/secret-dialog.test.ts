import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { SecretView } from '../app/(console)/principals/secret-dialog';

describe('the secret dialog', () => {
  it('names the variables the SDK snippets read, DATABRICKS_CLIENT_ID and DATABRICKS_CLIENT_SECRET', () => {
    const html = renderToStaticMarkup(
      createElement(SecretView, {
        issued: { clientId: 'lsc-0123', clientSecret: 's3cret', expiresAt: null },
        principalName: 'orders-producer',
      }),
    );
    expect(html).toContain('DATABRICKS_CLIENT_ID');
    expect(html).toContain('DATABRICKS_CLIENT_SECRET');
    expect(html.match(/[A-Z][A-Z0-9_]*_CLIENT_(?:ID|SECRET)/g)?.sort()).toEqual([
      'DATABRICKS_CLIENT_ID',
      'DATABRICKS_CLIENT_SECRET',
    ]);
  });
});
