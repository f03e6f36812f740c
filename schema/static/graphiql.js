// Starts GraphiQL on the page's #graphiql element; a file of its own, as the Content-Security-Policy allows no inline script.
const root = document.getElementById('graphiql');
const fetcher = GraphiQL.createFetcher({ url: '/graphql' });
ReactDOM.createRoot(root).render(React.createElement(GraphiQL, { fetcher, defaultQuery: root.dataset.defaultQuery }));
