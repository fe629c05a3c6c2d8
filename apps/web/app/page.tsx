/** The console's home page: a placeholder until the UI pages land; the API is at /api/trpc. */
export default function HomePage() {
  return (
    <main>
      <h1>Lakestream</h1>
      <p>The console API is served at /api/trpc; OAuth tokens at POST /oidc/v1/token.</p>
    </main>
  );
}
