import type { z } from 'zod';
import { datasheetSections, SECTION_NAMES, SECTION_TITLES, type Datasheet, type SectionName } from './datasheet.schema.js';

/** One question of a datasheet section, as the paper asks it. */
export interface DatasheetQuestion {
  key: string;
  label: string;
  question: string;
}

const labelOf = (key: string) => {
  const words = key.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
};

const questionText = (schema: z.ZodType) => {
  const unwrapped = 'unwrap' in schema && typeof schema.unwrap === 'function' ? (schema.unwrap() as z.ZodType) : schema;
  return unwrapped.description ?? 'The section in your own words, and any other comments.';
};

/** The questions of each section, in the paper's order (from the zod schema, so the two never disagree). */
export const DATASHEET_QUESTIONS: Record<SectionName, DatasheetQuestion[]> = Object.fromEntries(
  SECTION_NAMES.map((section) => [
    section,
    Object.entries(datasheetSections[section].shape).map(([key, schema]) => ({ key, label: labelOf(key), question: questionText(schema as z.ZodType) })),
  ]),
) as Record<SectionName, DatasheetQuestion[]>;

/** An answer counts when it says something: no empty string, list or object. */
export const isAnswered = (value: unknown): boolean =>
  value !== undefined &&
  value !== null &&
  value !== '' &&
  !(Array.isArray(value) && value.length === 0) &&
  !(typeof value === 'object' && !Array.isArray(value) && Object.keys(value).length === 0);

export interface SectionCompleteness {
  section: SectionName;
  title: string;
  /** At least one of its questions is answered. */
  answered: boolean;
  questions: { answered: number; total: number };
  /** Keys of the questions left unanswered. */
  missing: string[];
}

export interface DatasheetCompleteness {
  /** Sections with at least one answer, of the seven. */
  sections: { answered: number; total: number };
  questions: { answered: number; total: number };
  /** Every section is answered: what a publication policy's "datasheet complete" rule asks. */
  complete: boolean;
  bySection: SectionCompleteness[];
}

/** How much of a datasheet is answered, section by section (the FAIR self-score and publication policies read this). */
export function datasheetCompleteness(datasheet: Datasheet | null | undefined): DatasheetCompleteness {
  const bySection = SECTION_NAMES.map((section): SectionCompleteness => {
    const answers = (datasheet?.[section] ?? {}) as Record<string, unknown>;
    const questions = DATASHEET_QUESTIONS[section];
    const missing = questions.filter((q) => !isAnswered(answers[q.key])).map((q) => q.key);
    const answered = questions.length - missing.length;
    return { section, title: SECTION_TITLES[section], answered: answered > 0, questions: { answered, total: questions.length }, missing };
  });
  const sectionsAnswered = bySection.filter((s) => s.answered).length;
  return {
    sections: { answered: sectionsAnswered, total: SECTION_NAMES.length },
    questions: { answered: bySection.reduce((n, s) => n + s.questions.answered, 0), total: bySection.reduce((n, s) => n + s.questions.total, 0) },
    complete: sectionsAnswered === SECTION_NAMES.length,
    bySection,
  };
}

/** An answer as one line of text (lists joined, flags as yes/no, objects as "key: value"). */
export function answerText(value: unknown): string {
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (Array.isArray(value)) return value.map(answerText).join('; ');
  if (value && typeof value === 'object') {
    return Object.entries(value)
      .filter(([, v]) => isAnswered(v))
      .map(([k, v]) => `${labelOf(k).toLowerCase()}: ${answerText(v)}`)
      .join(', ');
  }
  return String(value);
}

/** The answered questions of one section as "Label: answer" lines, in the paper's order (empty when none). */
export function sectionText(datasheet: Datasheet | null | undefined, section: SectionName): string {
  const answers = (datasheet?.[section] ?? {}) as Record<string, unknown>;
  return DATASHEET_QUESTIONS[section]
    .filter((q) => isAnswered(answers[q.key]))
    .map((q) => (q.key === 'summary' ? answerText(answers[q.key]) : `${q.label}: ${answerText(answers[q.key])}`))
    .join('\n');
}

/** Cuts text to at most `max` characters, marking the cut. */
export const bounded = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);
