// Typed values typed by people: a name, a type and the text of the value, turned into JSON.
export type ValueType = 'string' | 'number' | 'boolean' | 'json' | 'null';

export const VALUE_TYPES: { value: ValueType; label: string }[] = [
  { value: 'string', label: 'string' },
  { value: 'number', label: 'number' },
  { value: 'boolean', label: 'boolean' },
  { value: 'json', label: 'JSON' },
  { value: 'null', label: 'null' },
];

/** Process variable names the engine accepts (an identifier). */
export const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** The value, or a message saying why the text is not a value of that type. */
export function parseTyped(type: ValueType, raw: string): { value: unknown } | { error: string } {
  const text = raw.trim();
  switch (type) {
    case 'number': {
      const v = Number(text);
      return text && Number.isFinite(v) ? { value: v } : { error: `“${text}” is not a number.` };
    }
    case 'boolean':
      return /^(true|false)$/i.test(text) ? { value: text.toLowerCase() === 'true' } : { error: 'Write true or false.' };
    case 'json':
      try {
        return { value: JSON.parse(text) };
      } catch {
        return { error: `“${text}” is not valid JSON.` };
      }
    case 'null':
      return { value: null };
    default:
      return { value: raw };
  }
}

/** The type and text that show an existing value for editing. */
export function describeTyped(value: unknown): { type: ValueType; text: string } {
  if (value === null || value === undefined) return { type: 'null', text: '' };
  if (typeof value === 'string') return { type: 'string', text: value };
  if (typeof value === 'number') return { type: 'number', text: String(value) };
  if (typeof value === 'boolean') return { type: 'boolean', text: String(value) };
  return { type: 'json', text: JSON.stringify(value, null, 2) };
}
