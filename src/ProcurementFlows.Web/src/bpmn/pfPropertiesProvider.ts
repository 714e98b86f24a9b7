// A properties-panel group for our own `pf:` extension (see src/ProcurementFlows.Engine/CONTRACT.md):
// segregation of duties, the business-day calendar, task escalation on boundary timers and message
// correlation keys — added to the Camunda 7 panel that camunda-bpmn-js ships.
import { h } from '@bpmn-io/properties-panel/preact';
import {
  CheckboxEntry,
  isCheckboxEntryEdited,
  isSelectEntryEdited,
  isTextFieldEntryEdited,
  SelectEntry,
  TextFieldEntry,
} from '@bpmn-io/properties-panel';
import { useService } from 'bpmn-js-properties-panel';
import { getBusinessObject, is } from 'bpmn-js/lib/util/ModelUtil';

type BusinessObject = {
  $type: string;
  get(name: string): unknown;
  eventDefinitions?: BusinessObject[];
};
type Element = { id: string; businessObject: BusinessObject };
type EntryProps = { element: Element; id: string };

/** The calendars the engine knows; the value is what `pf:calendar` stores. */
export const CALENDARS = [
  { value: '', label: 'Calendar days (no calendar)' },
  { value: 'NO', label: 'Norway business days' },
  { value: 'UA', label: 'Ukraine business days' },
];

function eventDefinition(element: Element, type: string): BusinessObject | undefined {
  return getBusinessObject(element).eventDefinitions?.find((d: BusinessObject) => is(d, type));
}

function SegregationEntry(props: EntryProps) {
  const modeling = useService('modeling');
  const debounce = useService('debounceInput');
  return h(TextFieldEntry, {
    element: props.element,
    id: props.id,
    label: 'Not completed by the completer of',
    description: 'User task ids and/or "initiator", separated by spaces. The engine rejects a completion by the same person.',
    debounce,
    getValue: (el: Element) => (getBusinessObject(el).get('pf:notCompletedBy') as string | undefined) ?? '',
    setValue: (value: string) => modeling.updateProperties(props.element, { 'pf:notCompletedBy': value?.trim() ? value.trim().replace(/\s*,\s*|\s+/g, ' ') : undefined }),
    validate: (value: string) => (value && !/^\s*[A-Za-z_][\w.-]*([\s,]+[A-Za-z_][\w.-]*)*\s*$/.test(value) ? 'Use task ids or "initiator", separated by spaces.' : null),
  });
}

function CalendarEntry(props: EntryProps) {
  const modeling = useService('modeling');
  return h(SelectEntry, {
    element: props.element,
    id: props.id,
    label: 'Business-day calendar',
    description: 'Due dates and timers of this element count business days of this calendar.',
    getValue: (el: Element) => (getBusinessObject(el).get('pf:calendar') as string | undefined) ?? '',
    setValue: (value: string) => modeling.updateProperties(props.element, { 'pf:calendar': value || undefined }),
    getOptions: () => CALENDARS,
  });
}

function EscalationEntry(props: EntryProps) {
  const modeling = useService('modeling');
  return h(CheckboxEntry, {
    element: props.element,
    id: props.id,
    label: 'Escalates the task',
    description: 'When this timer fires, the task it is attached to is marked escalated for supervisors.',
    getValue: (el: Element) => getBusinessObject(el).get('pf:taskEscalation') === true,
    setValue: (value: boolean) => modeling.updateProperties(props.element, { 'pf:taskEscalation': value || undefined }),
  });
}

function CorrelationEntry(props: EntryProps) {
  const modeling = useService('modeling');
  const debounce = useService('debounceInput');
  // The engine reads the key from the event itself or from its message definition; edit it where the diagram has it.
  const target = () => {
    const bo = getBusinessObject(props.element);
    if (is(props.element, 'bpmn:ReceiveTask') || bo.get('pf:correlationKey')) return bo;
    return eventDefinition(props.element, 'bpmn:MessageEventDefinition');
  };
  return h(TextFieldEntry, {
    element: props.element,
    id: props.id,
    label: 'Correlation key',
    description: 'Expression for the key a message must carry, e.g. ${businessKey}. Default: the business key.',
    debounce,
    getValue: () => (target()?.get('pf:correlationKey') as string | undefined) ?? '',
    setValue: (value: string) => {
      const bo = target();
      if (bo) modeling.updateModdleProperties(props.element, bo, { 'pf:correlationKey': value?.trim() || undefined });
    },
  });
}

type Entry = { id: string; component: unknown; isEdited: unknown };

function groupFor(element: Element) {
  const entries: Entry[] = [];
  if (is(element, 'bpmn:UserTask')) {
    entries.push({ id: 'pf-notCompletedBy', component: SegregationEntry, isEdited: isTextFieldEntryEdited });
    entries.push({ id: 'pf-calendar', component: CalendarEntry, isEdited: isSelectEntryEdited });
  }
  const timer = is(element, 'bpmn:Event') && eventDefinition(element, 'bpmn:TimerEventDefinition');
  if (timer) {
    if (is(element, 'bpmn:BoundaryEvent')) entries.push({ id: 'pf-taskEscalation', component: EscalationEntry, isEdited: isCheckboxEntryEdited });
    entries.push({ id: 'pf-calendar', component: CalendarEntry, isEdited: isSelectEntryEdited });
  }
  if (is(element, 'bpmn:ReceiveTask') || (is(element, 'bpmn:Event') && eventDefinition(element, 'bpmn:MessageEventDefinition'))) {
    entries.push({ id: 'pf-correlationKey', component: CorrelationEntry, isEdited: isTextFieldEntryEdited });
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
      // Right after Camunda's "User assignment" or "Timer" group, where a designer looks for it.
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
