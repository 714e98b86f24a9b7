// Shared helpers for diagrams shown read-only (case page, diff, heat map, viewer checks).
import 'camunda-bpmn-js/dist/assets/camunda-platform-navigated-viewer.css';
import NavigatedViewer from 'camunda-bpmn-js/lib/camunda-platform/NavigatedViewer';
import pfModdle from './pf-moddle.json';

export interface Canvas {
  zoom(level: 'fit-viewport' | number, center?: 'auto'): number;
  viewbox(box?: { x: number; y: number; width: number; height: number }): { x: number; y: number; width: number; height: number; outer: { width: number; height: number } };
  scrollToElement(element: unknown): void;
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
  x?: number;
  y?: number;
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

/**
 * Zooms to the part of a large diagram that matters (a case's path, the changed elements, the measured
 * stages): the bounding box of `ids` with some margin, never closer than 1:1.
 */
export function focusOn(host: DiagramHost, ids: Iterable<string>): void {
  const registry = host.get<ElementRegistry>('elementRegistry');
  const canvas = host.get<Canvas>('canvas');
  let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
  for (const id of ids) {
    const el = registry.get(id);
    if (!el || el.x === undefined || el.y === undefined || !el.width || !el.height) continue;
    minX = Math.min(minX, el.x);
    minY = Math.min(minY, el.y);
    maxX = Math.max(maxX, el.x + el.width);
    maxY = Math.max(maxY, el.y + el.height);
  }
  if (!Number.isFinite(minX)) return;
  const outer = canvas.viewbox().outer;
  const margin = 80;
  let width = Math.max(maxX - minX + 2 * margin, outer.width);
  let height = Math.max(maxY - minY + 2 * margin, outer.height);
  // Keep the container's aspect ratio so the box is centred, not stretched.
  const ratio = outer.width / Math.max(1, outer.height);
  if (width / height < ratio) width = height * ratio;
  else height = width / ratio;
  const cx = (minX + maxX) / 2;
  const cy = (minY + maxY) / 2;
  const full = canvas.viewbox();
  // Never zoom out further than fitting the whole diagram would.
  if (width > full.width && height > full.height) return;
  canvas.viewbox({ x: cx - width / 2, y: cy - height / 2, width, height });
}
