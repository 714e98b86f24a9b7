// A stand-alone page that opens local .bpmn files in the bpmn-js viewer and lists import warnings:
// designers use it to check a diagram from another tool; the browser tests use it for workflows/.
import './styles.css';
import { createViewer, show, type DiagramHost } from './bpmn/diagram';
import { clear, h } from './ui/dom';

const main = document.getElementById('main')!;
const input = h('input', { type: 'file', id: 'bpmn-file', accept: '.bpmn,.xml', multiple: true });
const status = h('div', { id: 'check-status', 'aria-live': 'polite' });
const diagram = h('div', { className: 'diagram check-diagram', id: 'check-diagram' });
main.append(
  h('header', { className: 'page-header' }, h('h1', { tabindex: '-1' }, 'Diagram check')),
  h('section', { className: 'card' }, h('label', { for: 'bpmn-file', className: 'strong' }, 'Open BPMN files'), ' ', input, status),
  h('section', { className: 'card' }, diagram),
);

let viewer: DiagramHost | undefined;

input.addEventListener('change', async () => {
  clear(status);
  const files = Array.from(input.files ?? []);
  const results = h('ul', { className: 'check-results' });
  status.appendChild(results);
  for (const file of files) {
    viewer?.destroy();
    clear(diagram);
    viewer = createViewer(diagram);
    const item = h('li', { 'data-file': file.name });
    try {
      const warnings = await show(viewer, await file.text());
      item.dataset.warnings = String(warnings.length);
      item.className = warnings.length ? 'check-warn' : 'check-ok';
      item.append(h('span', { className: 'strong' }, file.name), `: ${warnings.length ? `${warnings.length} import warning(s)` : 'imported cleanly'}`);
      if (warnings.length) item.appendChild(h('ul', null, ...warnings.map((w) => h('li', { className: 'warning' }, w))));
    } catch (e) {
      item.dataset.warnings = 'error';
      item.className = 'check-error';
      item.append(h('span', { className: 'strong' }, file.name), `: failed to import — ${e instanceof Error ? e.message : String(e)}`);
    }
    results.appendChild(item);
  }
  status.dataset.done = String(files.length);
});
