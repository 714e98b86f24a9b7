// Shared helpers for diagrams shown read-only (case page, diff, heat map, viewer checks).
import 'camunda-bpmn-js/dist/assets/camunda-platform-navigated-viewer.css';
import NavigatedViewer from 'camunda-bpmn-js/lib/camunda-platform/NavigatedViewer';
import pfModdle from './pf-moddle.json';

export interface Canvas {
  zoom(level: 'fit-viewport' | number, center?: 'auto'): number;
  addMarker(elementId: string, marker: string): void;
  removeMarker(elementId: string, marker: string): void;
}

export interface Overlays {
  add(elementId: string, type: string, overlay: { position: Record<string, number>; html: HTMLElement }): string;
  remove(filter: { type?: string; element?: string }): void;
}

export interface ElementRegistry {
  get(id: string): DiagramElement | undefined;
  filter(fn: (e: DiagramElement) => boolean): DiagramElement[];
  getAll(): DiagramElement[];
}

export interface DiagramElement {
  id: string;
  type: string;
  width?: number;
  height?: number;
  waypoints?: unknown[];
  businessObject: { name?: string; $type: string; get(name: string): unknown };
}

/** What bpmn-js instances we use expose: enough typing to keep call sites honest. */
export interface DiagramHost {
  importXML(xml: string): Promise<{ warnings: unknown[] }>;
  saveXML(options?: { format?: boolean }): Promise<{ xml?: string }>;
  get<T = unknown>(name: string): T;
  getDefinitions(): unknown;
  on(event: string, callback: (e: unknown) => void): void;
  destroy(): void;
}

export const moddleExtensions = { pf: pfModdle };

/** A navigable read-only viewer bound to `container`. */
export function createViewer(container: HTMLElement): DiagramHost {
  return new NavigatedViewer({ container, moddleExtensions }) as unknown as DiagramHost;
}

/** Imports XML and fits it; import warnings are returned for callers that report them. */
export async function show(host: DiagramHost, xml: string): Promise<string[]> {
  const { warnings } = await host.importXML(xml);
  host.get<Canvas>('canvas').zoom('fit-viewport', 'auto');
  return warnings.map((w) => (w instanceof Error ? w.message : String((w as { message?: string }).message ?? w)));
}

/** Flow nodes (shapes with a size, not connections, labels or containers). */
export function flowNodes(host: DiagramHost): DiagramElement[] {
  return host
    .get<ElementRegistry>('elementRegistry')
    .filter((e) => !e.waypoints && e.type !== 'label' && !/Process|Collaboration|Participant|Lane/.test(e.type));
}

export function overlayBadge(text: string, className: string, title?: string): HTMLElement {
  const el = document.createElement('div');
  el.className = `diagram-badge ${className}`;
  el.textContent = text;
  if (title) el.title = title;
  return el;
}
