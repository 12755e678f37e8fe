// Lists the backend's items. Behind the ALB, /api/* goes to the backend service.
(async () => {
  const status = document.getElementById('status');
  const list = document.getElementById('items');
  try {
    const res = await fetch('/api/items', { headers: { accept: 'application/json' } });
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    const body = await res.json();
    status.textContent = `release ${body.release}: ${body.items.length} items`;
    for (const item of body.items) {
      const li = document.createElement('li');
      li.textContent = item.name;
      if (item.done) li.className = 'done';
      list.append(li);
    }
  } catch (err) {
    status.textContent = `the API is not reachable from here (${err.message})`;
  }
})();
