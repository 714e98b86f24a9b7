// Version history and a visual diff of two versions: added, removed, changed and moved elements
// are highlighted on both diagrams, and listed.
import { diff } from 'bpmn-js-differ';
import { api } from '../api/client';
import type { DefinitionSummary } from '../api/types';
import { createViewer, focusOn, type Canvas, type DiagramHost, type ElementRegistry } from '../bpmn/diagram';
import { navigate, type PageRender } from '../router';
import { clear, empty, errorState, formatDate, h, load, loading, pageHeader } from '../ui/dom';

interface DiffResult {
  _added: Record<string, unknown>;
  _removed: Record<string, unknown>;
  _changed: Record<string, { attrs: Record<string, { oldValue: unknown; newValue: unknown }> }>;
  _layoutChanged: Record<string, unknown>;
}

const page: PageRender = async (outlet, params, query) => {
  const key = params.key!;
  const to = Number(params.version);
  const body = h('div');
  outlet.append(body);
  const viewers: DiagramHost[] = [];
  await load(
    body,
    async () => (await api.definitions.list()).find((d) => d.key === key),
    (definition) => {
      if (!definition) return empty(`No process with key ${key}.`);
      return renderHistory(definition, to, Number(query.get('from')) || undefined, viewers);
    },
  );
  return () => viewers.forEach((v) => v.destroy());
};

function renderHistory(definition: DefinitionSummary, to: number, requestedFrom: number | undefined, viewers: DiagramHost[]): HTMLElement {
  const versions = [...definition.versions].sort((a, b) => b.version - a.version);
  const from = requestedFrom ?? versions.find((v) => v.version < to)?.version ?? to;
  const options = (selected: number) => versions.map((v) => h('option', { value: String(v.version), selected: v.version === selected }, `v${v.version} — ${formatDate(v.deployedAt)}`));
  const fromSel = h('select', { id: 'diff-from', 'aria-label': 'Compare from version' }, ...options(from));
  const toSel = h('select', { id: 'diff-to', 'aria-label': 'Compare to version' }, ...options(to));
  const change = () => navigate(`/designer/${encodeURIComponent(definition.key)}/${toSel.value}/history?from=${fromSel.value}`);
  fromSel.onchange = change;
  toSel.onchange = change;

  const left = h('div', { className: 'diagram diff-pane', id: 'diff-old', 'aria-label': `Version ${from}` });
  const right = h('div', { className: 'diagram diff-pane', id: 'diff-new', 'aria-label': `Version ${to}` });
  const summary = h('section', { className: 'card', id: 'diff-summary', 'aria-live': 'polite' }, loading('Comparing…'));

  const timeline = h(
    'ol',
    { className: 'timeline' },
    ...versions.map((v) =>
      h(
        'li',
        null,
        h('a', { href: `/designer/${encodeURIComponent(definition.key)}/${v.version}` }, `v${v.version}`),
        ' ',
        h('span', { className: 'muted' }, `${formatDate(v.deployedAt)}${v.deployedBy ? ` by ${v.deployedBy}` : ''}`),
      ),
    ),
  );

  void (async () => {
    try {
      const [oldVersion, newVersion] = await Promise.all([api.definitions.get(definition.key, from), api.definitions.get(definition.key, to)]);
      const a = createViewer(left);
      const b = createViewer(right);
      viewers.push(a, b);
      await a.importXML(oldVersion.xml);
      await b.importXML(newVersion.xml);
      for (const v of [a, b]) v.get<Canvas>('canvas').zoom('fit-viewport', 'auto');
      const result = diff(a.getDefinitions(), b.getDefinitions()) as DiffResult;
      mark(a, Object.keys(result._removed), 'diff-removed');
      mark(b, Object.keys(result._added), 'diff-added');
      for (const v of [a, b]) {
        mark(v, Object.keys(result._changed), 'diff-changed');
        mark(v, Object.keys(result._layoutChanged), 'diff-layout');
      }
      const touched = [...Object.keys(result._changed), ...Object.keys(result._layoutChanged)];
      focusOn(a, [...touched, ...Object.keys(result._removed)]);
      focusOn(b, [...touched, ...Object.keys(result._added)]);
      clear(summary);
      const rows: [string, string, string][] = [
        ...Object.keys(result._added).map((id): [string, string, string] => ['Added', id, '']),
        ...Object.keys(result._removed).map((id): [string, string, string] => ['Removed', id, '']),
        ...Object.entries(result._changed).map(([id, c]): [string, string, string] => ['Changed', id, Object.keys(c.attrs).join(', ')]),
        ...Object.keys(result._layoutChanged).filter((id) => !(id in result._changed)).map((id): [string, string, string] => ['Moved', id, '']),
      ];
      summary.append(
        h('h2', null, from === to ? `Version ${to}` : `Changes from v${from} to v${to}`),
        rows.length
          ? h(
              'table',
              { className: 'table' },
              h('thead', null, h('tr', null, h('th', { scope: 'col' }, 'Change'), h('th', { scope: 'col' }, 'Element'), h('th', { scope: 'col' }, 'Properties'))),
              h('tbody', null, ...rows.map(([kind, id, props]) => h('tr', { className: `diff-row-${kind.toLowerCase()}`, 'data-element-id': id }, h('td', null, kind), h('td', null, h('button', { type: 'button', className: 'link mono', onclick: () => { focusOn(a, [id]); focusOn(b, [id]); } }, id)), h('td', null, props)))),
            )
          : empty(from === to ? 'Pick an older version to compare with.' : 'The two versions are the same.'),
      );
    } catch (e) {
      clear(summary);
      summary.appendChild(errorState(e));
    }
  })();

  return h(
    'div',
    null,
    pageHeader(`${definition.name ?? definition.key} · history`, h('a', { className: 'btn', href: `/designer/${encodeURIComponent(definition.key)}/${to}` }, `Open v${to}`)),
    h(
      'div',
      { className: 'history-layout' },
      h('aside', { className: 'card' }, h('h2', null, 'Versions'), timeline),
      h(
        'div',
        null,
        h('div', { className: 'diff-controls' }, h('label', { for: 'diff-from' }, 'Compare'), fromSel, h('label', { for: 'diff-to' }, 'with'), toSel, legend()),
        h('div', { className: 'diff-grid' }, h('figure', null, h('figcaption', null, `v${from}`), left), h('figure', null, h('figcaption', null, `v${to}`), right)),
        summary,
      ),
    ),
  );
}

function mark(viewer: DiagramHost, ids: string[], marker: string): void {
  const registry = viewer.get<ElementRegistry>('elementRegistry');
  const canvas = viewer.get<Canvas>('canvas');
  for (const id of ids) if (registry.get(id)) canvas.addMarker(id, marker);
}

function legend(): HTMLElement {
  return h(
    'ul',
    { className: 'legend', 'aria-label': 'Legend' },
    h('li', null, h('span', { className: 'swatch diff-added' }), 'added'),
    h('li', null, h('span', { className: 'swatch diff-removed' }), 'removed'),
    h('li', null, h('span', { className: 'swatch diff-changed' }), 'changed'),
    h('li', null, h('span', { className: 'swatch diff-layout' }), 'moved'),
  );
}

export default page;
