import dagre from '@dagrejs/dagre';

export interface GraphNode {
  id: string;
  label: string;
  kind: 'dataset' | 'activity' | 'placeholder';
  root: boolean;
  href?: string;
  /** A dataset version's validation gate status (the colour it is drawn in). */
  status?: 'passed' | 'failed' | 'not-evaluated' | null;
}

export interface PlacedNode extends GraphNode {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface Layout {
  width: number;
  height: number;
  nodes: PlacedNode[];
  edges: { from: string; to: string; points: { x: number; y: number }[] }[];
}

const NODE_HEIGHT = 36;
const CHAR_WIDTH = 7;

/** Left-to-right layered layout (Sugiyama, by dagre): upstream on the left, derived data on the right. */
export function layoutLineage(nodes: GraphNode[], edges: { from: string; to: string }[]): Layout {
  const g = new dagre.graphlib.Graph();
  g.setGraph({ rankdir: 'LR', nodesep: 18, ranksep: 48, marginx: 12, marginy: 12 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const n of nodes) g.setNode(n.id, { width: Math.min(260, 24 + n.label.length * CHAR_WIDTH), height: NODE_HEIGHT });
  for (const e of edges) if (g.hasNode(e.from) && g.hasNode(e.to)) g.setEdge(e.from, e.to);
  dagre.layout(g);
  const graph = g.graph();
  return {
    width: Math.ceil(graph.width ?? 0),
    height: Math.ceil(graph.height ?? 0),
    nodes: nodes.map((n) => {
      const p = g.node(n.id);
      return { ...n, x: p.x, y: p.y, width: p.width, height: p.height };
    }),
    edges: g.edges().map((e: { v: string; w: string }) => ({ from: e.v, to: e.w, points: g.edge(e).points ?? [] })),
  };
}
