// Point clustering for the canvas tiles (issue 18 §4: dams, special
// economic zones and location-only concessions pile up at country zooms).
//
// Done inside each tile, from the tile's own features, so it costs no
// request and no library, and every filter that selects the tile's features
// selects the clusters. Points in a tile's buffer belong to the neighbouring
// tile and are left to it, so none is counted twice; a cluster drawn close
// to a tile edge may lose a few pixels of its disc there.

export const cluster_below_zoom = 10;  // map zooms under this draw clusters
const radius = 36;                     // canvas pixels within which points join a cluster

// Point features (tile pixels) -> [{x, y, members: [feature...]}], greedily:
// each point joins the first cluster whose first point is within `radius`.
export function cluster_points(features, tile_size) {
  const clusters = [];
  for (const f of features) {
    if (f.kind !== 'point') continue;
    for (let i = 0; i < f.parts[0].length; i += 2) {
      const x = f.parts[0][i], y = f.parts[0][i + 1];
      if (x < 0 || y < 0 || x >= tile_size || y >= tile_size) continue;  // the neighbour's
      const near = clusters.find((c) => Math.hypot(c.x0 - x, c.y0 - y) <= radius);
      if (near) {
        near.members.push(f);
        near.points.push([x, y]);
      } else {
        clusters.push({ x0: x, y0: y, points: [[x, y]], members: [f] });
      }
    }
  }
  const mean = (c, k) => c.points.reduce((s, p) => s + p[k], 0) / c.points.length;
  return clusters.map((c) => ({ x: mean(c, 0), y: mean(c, 1), points: c.points, members: c.members }));
}

export function cluster_radius(count) {
  return Math.min(22, 9 + 3 * Math.log2(count));
}

// A disc in the layer's colour with the number of points it holds.
export function draw_cluster(ctx, cluster, style) {
  const r = cluster_radius(cluster.members.length);
  ctx.beginPath();
  ctx.arc(cluster.x, cluster.y, r + 4, 0, 2 * Math.PI);
  ctx.globalAlpha = 0.35;
  ctx.fillStyle = style.stroke;
  ctx.fill();
  ctx.beginPath();
  ctx.arc(cluster.x, cluster.y, r, 0, 2 * Math.PI);
  ctx.globalAlpha = 0.95;
  ctx.fill();
  ctx.globalAlpha = 1;
  ctx.lineWidth = 1.5;
  ctx.strokeStyle = '#fff';
  ctx.stroke();
  ctx.fillStyle = is_light(style.stroke) ? '#111' : '#fff';
  ctx.font = `600 ${r > 14 ? 13 : 12}px system-ui, sans-serif`;
  ctx.textAlign = 'center';
  ctx.textBaseline = 'middle';
  ctx.fillText(String(cluster.members.length), cluster.x, cluster.y + 0.5);
}

// Whether dark text reads better than white on this #rrggbb colour (WCAG relative luminance).
function is_light(colour) {
  const m = /^#([0-9a-f]{6})$/i.exec(colour ?? '');
  if (!m) return false;
  const [r, g, b] = [0, 2, 4].map((i) => {
    const c = parseInt(m[1].slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b > 0.18;
}
