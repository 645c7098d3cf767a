import { describe, expect, it } from 'vitest';
import { NOTE_MAX, noteLength, noteTooLong } from './GiftNote';

describe('a giver’s note', () => {
  it('counts characters as the backend does (an emoji is one) and allows exactly 280', () => {
    expect(noteLength('С днём рождения! 🎂')).toBe(18);
    expect(noteTooLong('я'.repeat(NOTE_MAX))).toBe(false);
    expect(noteTooLong('🎂'.repeat(NOTE_MAX))).toBe(false); // 560 UTF-16 units, 280 characters
    expect(noteTooLong('a'.repeat(NOTE_MAX + 1))).toBe(true);
    expect(noteTooLong(`  ${'a'.repeat(NOTE_MAX)}  `)).toBe(false); // sent trimmed
  });
});
