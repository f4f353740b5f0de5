// Small text rules shared by the identity use-cases (pure).

/** A patched optional text: undefined keeps, '' or null clears, anything else is trimmed. */
export const cleanOptional = (v: string | null | undefined): string | null | undefined =>
  v === undefined ? undefined : v === null || v.trim() === '' ? null : v.trim();
