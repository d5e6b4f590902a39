import type { Static, TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import type { IdEntry } from './agreement.ids.js';
import type { PathSegment, ProblemSink } from './agreement.problems.js';
import type { Agreement, ListSection } from './agreement.schema.js';
import { AgreementSchema, LIST_SECTIONS, itemSchema } from './agreement.schema.js';

type Item<S extends ListSection> = NonNullable<Agreement[S]>[number];

/** An item that passed the schema, with its path in the document. */
export interface Located<T> {
  item: T;
  path: PathSegment[];
}

/**
 * The parts of a possibly invalid document that passed the schema, so that semantic checks can run
 * on them and the file gets every problem at once, not only the schema errors.
 */
export class ValidView {
  private readonly lists = new Map<ListSection, Located<unknown>[]>();

  constructor(readonly data: Record<string, unknown>) {
    for (const section of LIST_SECTIONS) {
      const raw = data[section];
      const schema = itemSchema(section);
      const valid: Located<unknown>[] = [];
      if (Array.isArray(raw)) {
        raw.forEach((item: unknown, i) => {
          if (Value.Check(schema, item)) valid.push({ item, path: [section, i] });
        });
      }
      this.lists.set(section, valid);
    }
  }

  /** Schema-valid items of a list section. */
  list<S extends ListSection>(section: S): Located<Item<S>>[] {
    return (this.lists.get(section) ?? []) as Located<Item<S>>[];
  }

  /** A top-level field when it passed its schema, else undefined. */
  field<K extends keyof typeof AgreementSchema.properties>(
    key: K,
  ): Static<(typeof AgreementSchema.properties)[K]> | undefined {
    const schema: TSchema = AgreementSchema.properties[key];
    const value = this.data[key];
    return value !== undefined && Value.Check(schema, value)
      ? (value as Static<(typeof AgreementSchema.properties)[K]>)
      : undefined;
  }
}

/** Everything a semantic check needs. */
export interface CheckContext {
  view: ValidView;
  ids: ReadonlyMap<string, IdEntry>;
  sink: ProblemSink;
}
