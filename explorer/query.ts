/**
 * The explorer's one query for the visible graph (shared with its end-to-end test, which asks the
 * API the same): stakeholders with the relationships of the graph's edges (`stakeholder_edge`):
 * current affiliations, partnerships with their current members, open contracts with their parties.
 */
export const GRAPH_QUERY = `query ExplorerGraph {
  viewer { role organisation { id name } }
  stakeholders(first: 100) { totalCount edges { node {
    id name kind country website description tags
    affiliations { id kind since until from { id name kind } to { id name kind } }
    partnerships { id title members(current: true) { stakeholder { id name kind } } }
    contracts(statuses: [DRAFT, AWAITING_SIGNATURES, ACTIVE]) { id title parties { stakeholder { id name kind } } }
  } } }
}`;
