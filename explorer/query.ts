/** The explorer's one query for the visible graph (shared with its end-to-end test, which asks the API the same). */
export const GRAPH_QUERY = `query ExplorerGraph {
  viewer { role organisation { id name } }
  stakeholders(first: 100) { totalCount edges { node {
    id name kind country website description tags
    affiliations { id kind since until from { id name kind } to { id name kind } }
  } } }
}`;
