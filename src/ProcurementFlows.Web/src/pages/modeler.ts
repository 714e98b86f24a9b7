// The designer's modeler: camunda-bpmn-js (Camunda 7 platform modeler with its properties panel)
// plus our pf: group; validate marks the server's errors on the elements; deploy creates version n+1.
import 'camunda-bpmn-js/dist/assets/camunda-platform-modeler.css';
import Modeler from 'camunda-bpmn-js/lib/camunda-platform/Modeler';
import { api, ApiError } from '../api/client';
import type { DefinitionVersion, FormResource, FormSchema, ValidationError } from '../api/types';
import { moddleExtensions, type Canvas, type DiagramHost, type ElementRegistry, type Overlays } from '../bpmn/diagram';
import { PfPropertiesProviderModule } from '../bpmn/pfPropertiesProvider';
import { navigate, type PageRender } from '../router';
import { clear, describeError, errorState, h, load, loading, pageHeader, toast } from '../ui/dom';

const ERROR_MARKER = 'pf-validation-error';

const page: PageRender = async (outlet, params) => {
  const key = params.key!;
  const version = Number(params.version);
  const body = h('div', { className: 'modeler-page' });
  outlet.append(body);
  let destroy: (() => void) | undefined;
  await load(
    body,
    () => api.definitions.get(key, version),
    (definition) => {
      const view = buildModeler(definition);
      destroy = view.destroy;
      return view.root;
    },
  );
  return () => destroy?.();
};

function buildModeler(definition: DefinitionVersion): { root: HTMLElement; destroy: () => void } {
  const canvasEl = h('div', { className: 'modeler-canvas', id: 'modeler-canvas', role: 'application', 'aria-label': 'BPMN diagram editor' });
  const panelEl = h('aside', { className: 'modeler-panel', id: 'properties-panel', 'aria-label': 'Properties' });
  const problems = h('section', { className: 'problems', id: 'validation-results', 'aria-live': 'polite' });
  const dirtyNote = h('span', { className: 'muted dirty-note' });
  const forms = new Map<string, FormResource>(definition.forms.map((f) => [f.id, f]));
  let formEditor: { destroy(): void; saveSchema(): FormSchema } | undefined;

  const modeler = new Modeler({
    container: canvasEl,
    propertiesPanel: { parent: panelEl },
    additionalModules: [PfPropertiesProviderModule],
    moddleExtensions,
  }) as unknown as DiagramHost;

  const findBtn = h('button', { type: 'button', className: 'btn', id: 'find-element', title: 'Find an element by name or id (Ctrl+F)' }, 'Find');
  findBtn.onclick = (event) => {
    // The search pad closes on any click that reaches the document, this one included.
    event.stopPropagation();
    modeler.get<{ trigger(action: string): void }>('editorActions').trigger('find');
  };
  const validateBtn = h('button', { type: 'button', className: 'btn', id: 'validate' }, 'Validate');
  const deployBtn = h('button', { type: 'button', className: 'btn btn-primary', id: 'deploy' }, 'Deploy');
  const tabDiagram = h('button', { type: 'button', role: 'tab', id: 'tab-diagram', 'aria-selected': 'true', 'aria-controls': 'pane-diagram' }, 'Diagram');
  const tabForms = h('button', { type: 'button', role: 'tab', id: 'tab-forms', 'aria-selected': 'false', 'aria-controls': 'pane-forms' }, `Forms (${forms.size})`);
  const paneDiagram = h('div', { className: 'modeler-layout', id: 'pane-diagram', role: 'tabpanel', 'aria-labelledby': 'tab-diagram' }, canvasEl, panelEl);
  const paneForms = h('div', { className: 'forms-layout', id: 'pane-forms', role: 'tabpanel', 'aria-labelledby': 'tab-forms' });
  paneForms.hidden = true;

  const title = definition.name ?? definition.key;
  const root = h(
    'div',
    null,
    pageHeader(
      `${title} · v${definition.version}`,
      dirtyNote,
      findBtn,
      h('a', { className: 'btn', href: `/designer/${encodeURIComponent(definition.key)}/${definition.version}/history` }, 'History'),
      validateBtn,
      deployBtn,
    ),
    h('div', { className: 'tabs', role: 'tablist', 'aria-label': 'Editor' }, tabDiagram, tabForms),
    problems,
    paneDiagram,
    paneForms,
  );

  const selectTab = (forms: boolean) => {
    tabDiagram.setAttribute('aria-selected', String(!forms));
    tabForms.setAttribute('aria-selected', String(forms));
    paneDiagram.hidden = forms;
    paneForms.hidden = !forms;
    if (forms && !paneForms.childElementCount) void renderForms();
  };
  tabDiagram.onclick = () => selectTab(false);
  tabForms.onclick = () => selectTab(true);
  for (const tab of [tabDiagram, tabForms]) {
    tab.addEventListener('keydown', (e) => {
      if (e.key === 'ArrowRight' || e.key === 'ArrowLeft') {
        const other = tab === tabDiagram ? tabForms : tabDiagram;
        other.focus();
        other.click();
      }
    });
  }

  let dirty = false;
  modeler.on('commandStack.changed', () => {
    dirty = true;
    dirtyNote.textContent = 'Unsaved changes — deploy to create a new version';
  });

  const clearMarkers = () => {
    const registry = modeler.get<ElementRegistry>('elementRegistry');
    const canvas = modeler.get<Canvas>('canvas');
    for (const el of registry.getAll()) canvas.removeMarker(el.id, ERROR_MARKER);
    modeler.get<Overlays>('overlays').remove({ type: 'validation' });
  };

  const showProblems = (errors: ValidationError[], fromServer = true) => {
    clear(problems);
    clearMarkers();
    if (!errors.length) {
      problems.appendChild(h('div', { className: 'alert alert-ok', role: 'status' }, 'The diagram and its forms are valid.'));
      return;
    }
    const registry = modeler.get<ElementRegistry>('elementRegistry');
    const canvas = modeler.get<Canvas>('canvas');
    const overlays = modeler.get<Overlays>('overlays');
    const byElement = new Map<string, string[]>();
    for (const error of errors) if (error.elementId && registry.get(error.elementId)) (byElement.get(error.elementId) ?? byElement.set(error.elementId, []).get(error.elementId)!).push(error.message);
    for (const [elementId, messages] of byElement) {
      canvas.addMarker(elementId, ERROR_MARKER);
      const badge = h('button', { type: 'button', className: 'diagram-badge badge-error', title: messages.join('\n'), 'aria-label': `${messages.length} error(s) on ${elementId}`, 'data-element-id': elementId }, String(messages.length));
      badge.onclick = () => select(elementId);
      overlays.add(elementId, 'validation', { position: { top: -10, right: 10 }, html: badge });
    }
    const select = (elementId: string) => {
      const el = registry.get(elementId);
      if (!el) return;
      modeler.get<{ select(e: unknown): void }>('selection').select(el);
      modeler.get<{ scrollToElement(e: unknown): void }>('canvas').scrollToElement(el);
    };
    problems.appendChild(
      h(
        'div',
        { className: 'alert alert-danger', role: 'alert' },
        h('p', { className: 'strong' }, fromServer ? `${errors.length} validation error(s)` : 'Import warnings'),
        h(
          'ul',
          { className: 'problem-list' },
          ...errors.map((e) =>
            h(
              'li',
              null,
              e.elementId && registry.get(e.elementId)
                ? h('button', { type: 'button', className: 'link', onclick: () => select(e.elementId!) }, e.elementId)
                : e.elementId
                  ? h('span', { className: 'mono' }, e.elementId)
                  : null,
              e.elementId ? ': ' : '',
              e.message,
            ),
          ),
        ),
      ),
    );
  };

  void (async () => {
    try {
      const { warnings } = await modeler.importXML(definition.xml);
      modeler.get<Canvas>('canvas').zoom('fit-viewport', 'auto');
      if (warnings.length) showProblems([{ message: `${warnings.length} import warning(s): the diagram may use elements this editor does not know.` }], false);
    } catch (e) {
      clear(canvasEl);
      canvasEl.appendChild(errorState(e));
    }
  })();

  const resources = async () => {
    const { xml } = await modeler.saveXML({ format: true });
    if (formEditor && currentFormId) forms.set(currentFormId, { ...forms.get(currentFormId)!, schema: formEditor.saveSchema() });
    return [
      { name: `${definition.key}.bpmn`, content: xml ?? '' },
      ...[...forms.values()].map((f) => ({ name: f.name ?? `${f.id}.form`, content: JSON.stringify(f.schema, null, 2) })),
    ];
  };

  const busy = async (button: HTMLButtonElement, label: string, work: () => Promise<void>) => {
    const text = button.textContent;
    button.disabled = true;
    button.textContent = label;
    try {
      await work();
    } catch (e) {
      if (e instanceof ApiError && e.validationErrors.length) showProblems(e.validationErrors);
      else {
        const { title, detail } = describeError(e);
        clear(problems);
        problems.appendChild(h('div', { className: 'alert alert-danger', role: 'alert' }, title, detail ? ` — ${detail}` : ''));
      }
    } finally {
      button.disabled = false;
      button.textContent = text;
    }
  };

  validateBtn.onclick = () => void busy(validateBtn, 'Validating…', async () => showProblems(await api.definitions.validate(await resources())));
  deployBtn.onclick = () =>
    void busy(deployBtn, 'Deploying…', async () => {
      const result = await api.definitions.deploy(await resources());
      const deployed = result.definitions.find((d) => d.key === definition.key) ?? result.definitions[0];
      dirty = false;
      if (!deployed) throw new Error('The server deployed nothing.');
      toast(`Deployed ${deployed.key} version ${deployed.version}`);
      navigate(`/designer/${encodeURIComponent(deployed.key)}/${deployed.version}`);
    });

  // Forms tab: a list of the version's forms and the form-js editor for the selected one.
  let currentFormId: string | undefined;
  const renderForms = async () => {
    clear(paneForms);
    const list = h('ul', { className: 'form-list', 'aria-label': 'Forms' });
    const editorHost = h('div', { className: 'form-editor-host', id: 'form-editor' });
    const addBtn = h('button', { type: 'button', className: 'btn btn-sm' }, 'New form');
    paneForms.append(h('nav', { className: 'form-sidebar' }, h('h2', null, 'Task forms'), list, addBtn), editorHost);
    editorHost.appendChild(loading('Loading the form editor…'));
    const { FormEditor } = await import('../forms/editor');
    clear(editorHost);

    const open = async (id: string) => {
      if (formEditor && currentFormId) forms.set(currentFormId, { ...forms.get(currentFormId)!, schema: formEditor.saveSchema() });
      formEditor?.destroy();
      clear(editorHost);
      currentFormId = id;
      for (const li of Array.from(list.children)) li.firstElementChild?.setAttribute('aria-current', String(li.getAttribute('data-id') === id));
      formEditor = await FormEditor(editorHost, forms.get(id)!.schema);
    };
    const renderList = () => {
      clear(list);
      if (!forms.size) list.appendChild(h('li', { className: 'muted' }, 'No forms yet.'));
      for (const f of forms.values()) list.appendChild(h('li', { 'data-id': f.id }, h('button', { type: 'button', className: 'link', onclick: () => void open(f.id) }, f.name ?? f.id)));
      tabForms.textContent = `Forms (${forms.size})`;
    };
    addBtn.onclick = () => {
      const id = prompt('Form id (as used in camunda:formRef or formKey):')?.trim();
      if (!id) return;
      if (!/^[A-Za-z][\w-]*$/.test(id) || forms.has(id)) {
        toast('Choose a new id of letters, digits, - and _.', 'danger');
        return;
      }
      forms.set(id, { id, name: `${id}.form`, schema: { id, type: 'default', components: [], schemaVersion: 16 } });
      renderList();
      void open(id);
    };
    renderList();
    const first = forms.keys().next();
    if (!first.done) await open(first.value);
  };

  const beforeUnload = (e: BeforeUnloadEvent) => {
    if (dirty) e.preventDefault();
  };
  window.addEventListener('beforeunload', beforeUnload);

  return {
    root,
    destroy: () => {
      window.removeEventListener('beforeunload', beforeUnload);
      formEditor?.destroy();
      modeler.destroy();
    },
  };
}

export default page;
