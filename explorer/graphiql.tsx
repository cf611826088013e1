// GraphiQL at GET /graphql in development (src/explorer/graphiql.ts serves it): GraphiQL 3
// (CodeMirror 5) with React 18, bundled by esbuild with its stylesheet, so the page needs no
// network beyond this server. Queries go to this server's /graphql through the fetcher below,
// with the headers editor's headers (e.g. {"Authorization": "Bearer …"}).
import { GraphiQL, type GraphiQLProps } from 'graphiql';
import { createRoot } from 'react-dom/client';
import 'graphiql/graphiql.css';

type Fetcher = GraphiQLProps['fetcher'];

const endpoint = new URL('/graphql', window.location.href).toString();

const fetcher: Fetcher = async (params, options) => {
  const response = await fetch(endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json', ...(options?.headers ?? {}) },
    body: JSON.stringify(params),
  });
  const text = await response.text();
  try {
    return JSON.parse(text) as Awaited<ReturnType<Fetcher>>;
  } catch {
    throw new Error(`HTTP ${response.status}: ${text.slice(0, 500)}`);
  }
};

const DEFAULT_QUERY = `# GraphiQL on this development server. Data fields need a bearer token: mint one with
#   npm run --silent token -- --role ADMIN
# and put it in the Headers tab below as {"Authorization": "Bearer <token>"}.
# { health { ok } } answers without one.

query Health {
  health {
    ok
  }
}
`;

const container = document.getElementById('graphiql');
if (container) {
  createRoot(container).render(
    <GraphiQL fetcher={fetcher} defaultQuery={DEFAULT_QUERY} isHeadersEditorEnabled defaultEditorToolsVisibility="headers" shouldPersistHeaders={false} />,
  );
}
// For the end-to-end test and the curious: the page's fetcher.
(window as unknown as { __graphiql: { fetcher: Fetcher } }).__graphiql = { fetcher };
