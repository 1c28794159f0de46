// The caller's usage today (UTC), under the conversation: GET /api/usage summed over models. Quiet when the
// ledger cannot answer (keys on without a key in the page, the database down): the line is then hidden.

export async function showUsageToday(element, fetchImpl = globalThis.fetch) {
  try {
    const response = await fetchImpl('api/usage', { headers: { Accept: 'application/json' } });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    const { groups } = await response.json();
    const sum = (field) => groups.reduce((total, group) => total + group[field], 0);
    const requests = sum('requests');
    const tokens = sum('prompt_tokens') + sum('completion_tokens');
    const cost = sum('cost_usd');
    element.textContent = `Usage today: ${requests} ${requests === 1 ? 'request' : 'requests'}, `
      + `${tokens} tokens${cost > 0 ? `, $${cost.toFixed(4)}` : ''}`;
    element.hidden = false;
  } catch {
    element.hidden = true;
  }
}
