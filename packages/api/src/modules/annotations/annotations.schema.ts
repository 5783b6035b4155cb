import { builder } from '../../builder.js';
import { callableBy } from '../shared/access.js';
import {
  ANNOTATION_TEXT_MAX,
  type AnnotationRow,
  createAnnotation,
  deleteAnnotation,
  listAnnotations,
} from './annotations.service.js';

const AnnotationRef = builder.objectRef<AnnotationRow>('Annotation').implement({
  description: 'A dated note every daily chart shows as a marker (e.g. a release).',
  fields: (t) => ({
    id: t.exposeID('id', { description: 'Its id, for `deleteAnnotation`.' }),
    day: t.expose('day', { type: 'Date', description: 'The UTC day it marks.' }),
    text: t.exposeString('text', { description: `The note, 1–${ANNOTATION_TEXT_MAX} characters.` }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When it was added.' }),
  }),
});

builder.queryField('annotations', (t) =>
  t.field({
    type: [AnnotationRef],
    extensions: callableBy('viewer', 'share'),
    description:
      'Annotations whose day lies in [from, to] (both inclusive, either open), oldest day first (admin and viewer tokens).',
    args: {
      from: t.arg({ type: 'Date', description: 'First UTC day; default: no bound.' }),
      to: t.arg({ type: 'Date', description: 'Last UTC day; default: no bound.' }),
    },
    resolve: (_root, args, ctx) =>
      listAnnotations(ctx.em, { from: args.from ?? null, to: args.to ?? null }),
  }),
);

builder.mutationField('createAnnotation', (t) =>
  t.field({
    type: AnnotationRef,
    description: `Adds an annotation (admin only). \`text\` is trimmed and must then be 1–${ANNOTATION_TEXT_MAX} characters.`,
    args: {
      day: t.arg({ type: 'Date', required: true, description: 'The UTC day it marks.' }),
      text: t.arg.string({ required: true, description: 'The note.' }),
    },
    resolve: (_root, args, ctx) => createAnnotation(ctx.em, args),
  }),
);

builder.mutationField('deleteAnnotation', (t) =>
  t.field({
    type: AnnotationRef,
    nullable: true,
    description:
      'Deletes an annotation (admin only); answers it, or null when no annotation has this id.',
    args: { id: t.arg.id({ required: true, description: 'The annotation.' }) },
    resolve: (_root, args, ctx) => deleteAnnotation(ctx.em, String(args.id)),
  }),
);
