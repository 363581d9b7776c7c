// Where each video goes. Pure functions, so the layouts can be reasoned about apart from the page.

/** grid switches to speaker while a screen share is on, as the reference's templates do. */
export function effectiveLayout(name, hasScreenShare) {
  const base = name.replace(/-light$/, '');
  if (base === 'grid' && hasScreenShare) {
    return 'speaker';
  }
  return ['grid', 'speaker', 'single-speaker'].includes(base) ? base : 'grid';
}

/**
 * @param tiles [{id, identity, screen, joined}]
 * @param speakers identities, loudest first
 * @returns Map id -> {x, y, w, h}; tiles not in the map are hidden
 */
export function arrange(layout, tiles, speakers, width, height) {
  const boxes = new Map();
  if (!tiles.length) {
    return boxes;
  }
  const ordered = [...tiles].sort((a, b) => a.joined - b.joined);
  if (layout === 'grid') {
    const cols = Math.ceil(Math.sqrt(ordered.length));
    const rows = Math.ceil(ordered.length / cols);
    const w = Math.floor(width / cols);
    const h = Math.floor(height / rows);
    ordered.forEach((t, i) => boxes.set(t.id, { x: (i % cols) * w, y: Math.floor(i / cols) * h, w, h }));
    return boxes;
  }
  const main = ordered.find((t) => t.screen)
    || ordered.find((t) => t.identity === speakers[0])
    || ordered[0];
  if (layout === 'single-speaker' || ordered.length === 1) {
    boxes.set(main.id, { x: 0, y: 0, w: width, h: height });
    return boxes;
  }
  // speaker: the main picture on the left, the others in a column on the right
  const side = Math.floor(width / 5);
  boxes.set(main.id, { x: 0, y: 0, w: width - side, h: height });
  const others = ordered.filter((t) => t !== main);
  const h = Math.floor(Math.min(height / others.length, side * 9 / 16));
  others.forEach((t, i) => boxes.set(t.id, { x: width - side, y: i * h, w: side, h }));
  return boxes;
}
