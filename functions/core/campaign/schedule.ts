/** When a campaign opens, reminds and closes: its schedule and the instants it is written in. */
import * as z from 'zod';
import { lazySchema } from '../lazy-schema.ts';

/** ISO 8601 instant with an offset, e.g. 2026-12-01T09:00:00+08:00. */
export const Instant = lazySchema(() =>
  z.iso.datetime({
    offset: true,
    message: 'use an ISO 8601 time such as 2026-12-01T09:00:00+08:00',
  }),
);

/** When a campaign opens, reminds and closes. */
export const Schedule = lazySchema(() =>
  z
    .object({
      opens: Instant,
      reminders: z.array(Instant).max(10).default([]),
      deadline: Instant,
    })
    .superRefine((s, ctx) => {
      const opens = Date.parse(s.opens);
      const deadline = Date.parse(s.deadline);
      if (deadline <= opens)
        ctx.addIssue({ code: 'custom', path: ['deadline'], message: 'the deadline must be after the opening time' });
      s.reminders.forEach((r, i) => {
        const t = Date.parse(r);
        if (t <= opens || t >= deadline) {
          ctx.addIssue({
            code: 'custom',
            path: ['reminders', i],
            message: 'a reminder must fall between opening and deadline',
          });
        }
      });
    }),
);
export type Schedule = z.infer<typeof Schedule>;
