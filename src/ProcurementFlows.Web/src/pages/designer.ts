import { api } from '../api/client';
import type { DefinitionSummary } from '../api/types';
import type { PageRender } from '../router';
import { empty, formatDate, h, load, pageHeader } from '../ui/dom';

/** Process list: every definition key with its versions, newest first. */
const page: PageRender = (outlet) => {
  const filter = h('input', { type: 'search', id: 'process-filter', placeholder: 'Filter processes', 'aria-label': 'Filter processes' });
  const body = h('section', { className: 'card' });
  outlet.append(pageHeader('Processes', filter), body);

  const render = (definitions: DefinitionSummary[]) => {
    if (!definitions.length) return empty('No processes are deployed yet.', 'Shipped workflows deploy when the server starts.');
    const rows = [...definitions]
      .sort((a, b) => (a.name ?? a.key).localeCompare(b.name ?? b.key))
      .map((d) => {
        const versions = [...d.versions].sort((a, b) => b.version - a.version);
        const latest = versions[0];
        return h(
          'tr',
          { 'data-key': d.key },
          h('td', null, h('div', { className: 'strong' }, d.name ?? d.key), h('div', { className: 'muted mono' }, d.key)),
          h('td', null, latest ? `v${latest.version}` : '—'),
          h('td', null, formatDate(latest?.deployedAt)),
          h(
            'td',
            { className: 'versions' },
            ...versions.slice(0, 8).map((v) => h('a', { className: 'chip', href: `/designer/${encodeURIComponent(d.key)}/${v.version}`, 'aria-label': `Open ${d.name ?? d.key} version ${v.version}` }, `v${v.version}`)),
          ),
          h(
            'td',
            { className: 'row-actions' },
            latest ? h('a', { className: 'btn btn-primary btn-sm', href: `/designer/${encodeURIComponent(d.key)}/${latest.version}` }, 'Open') : null,
            latest && versions.length > 1
              ? h('a', { className: 'btn btn-sm', href: `/designer/${encodeURIComponent(d.key)}/${latest.version}/history` }, 'History')
              : null,
          ),
        );
      });
    const tbody = h('tbody', null, ...rows);
    filter.oninput = () => {
      const term = filter.value.trim().toLowerCase();
      for (const row of Array.from(tbody.rows)) row.hidden = !!term && !row.textContent!.toLowerCase().includes(term);
    };
    return h(
      'div',
      { className: 'table-wrap' },
      h(
        'table',
        { className: 'table', id: 'process-list' },
        h('caption', { className: 'sr-only' }, 'Deployed processes'),
        h('thead', null, h('tr', null, h('th', { scope: 'col' }, 'Process'), h('th', { scope: 'col' }, 'Latest'), h('th', { scope: 'col' }, 'Deployed'), h('th', { scope: 'col' }, 'Versions'), h('th', { scope: 'col' }, h('span', { className: 'sr-only' }, 'Actions')))),
        tbody,
      ),
    );
  };
  void load(body, () => api.definitions.list(), render);
};

export default page;
