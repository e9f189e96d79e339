// The HTML report's stepper: its stylesheet and its one inline script.
//
// The script reads the page's JSON blocks — <script type="application/json"
// id="cardflow-deck"> (StepperDeckJson) and one id="stepper-data-N" per
// section (N from 1: {"title", "ordering", "sample": run | null,
// "outcomes": [{"text", "expect", "count", "seed", "schedule",
// "run": run | "sample" (the drawn run) | null}]}, runs as StepperRunJson) — and fills each
// <div class="stepper" data-section="N-1"> with
//  - controls: Play/Pause, Step back, Step forward, a scrubber over the
//    steps, the position ("step 3 of 12");
//  - the stacks as piles of cards (done cards dimmed, the next step's cards
//    raised), the "dealt" lane (the steps taken, the latest marked
//    `.just`), each channel's callbacks in flight and in its inbox, the
//    shared table after the step, the step's sentence and the marks (missed
//    callbacks, lost updates, broken expects) so far.
// Clicking (or Enter on) an outcome row of the section's histogram loads
// that outcome's witness run. Keys: ←/→ step, space plays or pauses,
// Home/End jump; they act on the stepper last used (the first at start).
// The state lives in the URL fragment: `#s0=12&r0=o2` — section 0 at step
// 12 (steps taken), showing the witness of outcome row 2 (no r: the drawn
// run); opening the page with it restores it.
//
// Side by side (<main data-together>, HtmlStepping::kTogether): a bar above
// the panes with a checkbox, on at start, makes them step together — every
// control of either pane, the keys and Play move one shared position, each
// pane showing that step or its own last — and outlines in each pane what
// differs from the other at the step shown (the table's values, the card
// just dealt, the outcome once both have ended), said in words beneath.
// The steps' compact rows (stepper_data.h) are expanded once per run.
//
// Hooks the browser test reads: .stepper[data-step][data-run],
// td[data-var], .dealt-card.just, .pile .card.top, .channel[data-flight]
// [data-inbox], .run-end; side by side, .together-bar input.together,
// td.differs, .dealt-card.just.differs, .run-end.differs and
// .stepper[data-differs] (what differs, in words).
#pragma once

namespace cardflow {

extern const char kStepperCss[];
extern const char kStepperScript[];

}  // namespace cardflow
