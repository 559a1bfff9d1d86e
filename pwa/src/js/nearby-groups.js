/** Nearby reports at the very same published point are one problem reported several times. */

/** Features at the same published point (to the metre) as one group, nearest first. */
export function groupByPlace(features) {
  const groups = new Map();
  for (const feature of features) {
    const [lon, lat] = feature.geometry?.coordinates ?? [0, 0];
    const key = `${lat.toFixed(5)},${lon.toFixed(5)}`;
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key).push(feature);
  }
  // Oldest first in a group: following the first report follows the original problem.
  return [...groups.values()].map((group) =>
    group.sort((a, b) => a.properties.created_at.localeCompare(b.properties.created_at)),
  );
}
