/** The path of table `name`'s detail page. */
export function tableHref(name: string): string {
  return `/tables/${encodeURIComponent(name)}`;
}
