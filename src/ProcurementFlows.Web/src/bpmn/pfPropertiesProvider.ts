// A properties-panel group for our own `pf:` extension (segregation of duties and the
// business-day calendar), added to the Camunda 7 panel that camunda-bpmn-js ships.
import { h } from '@bpmn-io/properties-panel/preact';
import { isTextFieldEntryEdited, isSelectEntryEdited, SelectEntry, TextFieldEntry } from '@bpmn-io/properties-panel';
import { useService } from 'bpmn-js-properties-panel';
import { getBusinessObject, is } from 'bpmn-js/lib/util/ModelUtil';

type Element = { id: string; businessObject: BusinessObject };
type BusinessObject = {
  $type: string;
  get(name: string): unknown;
  eventDefinitions?: BusinessObject[];
};

/** The calendars the engine knows; the value is what `pf:calendar` stores. */
export const CALENDARS = [
  { value: '', label: 'Calendar days (no calendar)' },
  { value: 'NO', label: 'Norway business days' },
  { value: 'UA', label: 'Ukraine business days' },
  { value: 'NATO', label: 'NATO HQ business days' },
];

function timerDefinition(element: Element): BusinessObject | undefined {
  return getBusinessObject(element).eventDefinitions?.find((d: BusinessObject) => is(d, 'bpmn:TimerEventDefinition'));
}

function SegregationEntry(props: { element: Element; id: string }) {
  const modeling = useService('modeling');
  const debounce = useService('debounceInput');
  return h(TextFieldEntry, {
    element: props.element,
    id: props.id,
    label: 'Not completed by the completer of',
    description: 'Comma-separated user task ids, or "initiator". The engine rejects a completion by the same person.',
    debounce,
    getValue: (el: Element) => (getBusinessObject(el).get('pf:segregatedFrom') as string | undefined) ?? '',
    setValue: (value: string) =>
      modeling.updateProperties(props.element, { 'pf:segregatedFrom': value?.trim() ? value.trim() : undefined }),
    validate: (value: string) =>
      value && !/^\s*[A-Za-z_][\w.-]*(\s*,\s*[A-Za-z_][\w.-]*)*\s*$/.test(value) ? 'Use task ids separated by commas.' : null,
  });
}

function CalendarEntry(props: { element: Element; id: string }) {
  const modeling = useService('modeling');
  const target = () => (is(props.element, 'bpmn:UserTask') ? getBusinessObject(props.element) : timerDefinition(props.element));
  return h(SelectEntry, {
    element: props.element,
    id: props.id,
    label: 'Business-day calendar',
    description: 'Due dates and timers count only business days of this calendar.',
    getValue: () => (target()?.get('pf:calendar') as string | undefined) ?? '',
    setValue: (value: string) => {
      const bo = target();
      if (!bo) return;
      modeling.updateModdleProperties(props.element, bo, { 'pf:calendar': value || undefined });
    },
    getOptions: () => CALENDARS,
  });
}

function groupFor(element: Element) {
  const entries: { id: string; component: unknown; isEdited: unknown }[] = [];
  if (is(element, 'bpmn:UserTask')) {
    entries.push({ id: 'pf-segregatedFrom', component: SegregationEntry, isEdited: isTextFieldEntryEdited });
    entries.push({ id: 'pf-calendar', component: CalendarEntry, isEdited: isSelectEntryEdited });
  } else if (is(element, 'bpmn:Event') && timerDefinition(element)) {
    entries.push({ id: 'pf-calendar', component: CalendarEntry, isEdited: isSelectEntryEdited });
  }
  if (!entries.length) return undefined;
  return { id: 'procurementflows', label: 'ProcurementFlows', entries };
}

class PfPropertiesProvider {
  static $inject = ['propertiesPanel'];

  constructor(propertiesPanel: { registerProvider(priority: number, provider: unknown): void }) {
    propertiesPanel.registerProvider(400, this);
  }

  getGroups(element: Element) {
    return (groups: { id: string }[]) => {
      const group = groupFor(element);
      if (!group) return groups;
      // Show our group right after the Camunda "User assignment" / "Timer" groups.
      const anchor = groups.findIndex((g) => g.id === 'CamundaPlatform__UserAssignment' || g.id === 'timer');
      groups.splice(anchor >= 0 ? anchor + 1 : groups.length, 0, group);
      return groups;
    };
  }
}

/** The bpmn-js module to pass in `additionalModules`. */
export const PfPropertiesProviderModule = {
  __init__: ['pfPropertiesProvider'],
  pfPropertiesProvider: ['type', PfPropertiesProvider],
};
