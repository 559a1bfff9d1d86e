/** Who works on a body's tickets: asked of the server when online, the last answer offline. */

export async function membersOf(api, cache, bodyCode) {
  const key = `members:${bodyCode}`;
  try {
    const answer = await api.members(bodyCode);
    if (answer.status === 200) {
      await cache.put(key, answer.body);
      return answer.body;
    }
  } catch {
    // Offline: the copy below.
  }
  return (await cache.get(key)) || [];
}
