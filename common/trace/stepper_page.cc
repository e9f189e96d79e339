#include "common/trace/stepper_page.h"

namespace cardflow {

const char kStepperCss[] = R"(
.stepper { border: 1px solid #cbd5e0; border-radius: 8px; padding: 10px 12px; margin: 10px 0;
           background: #fbfdff; }
.stepper .controls { display: flex; flex-wrap: wrap; align-items: center; gap: 6px; }
.stepper button { font: inherit; padding: 3px 10px; border: 1px solid #a0aec0; border-radius: 5px;
                  background: #fff; cursor: pointer; min-width: 44px; }
.stepper button:focus-visible, tr.outcome:focus-visible { outline: 3px solid #2b6cb0;
                                                          outline-offset: 1px; }
.stepper input.scrub { flex: 1 1 160px; min-width: 120px; }
.stepper .pos { font-variant-numeric: tabular-nums; color: #4a5568; white-space: nowrap; }
.stepper .run-title { margin: 6px 0; color: #2d3748; }
.stepper .run-title code { word-break: break-all; }
.stepper h4 { margin: 8px 0 4px; font-size: 13px; color: #4a5568; font-weight: 600; }
.piles { display: flex; flex-wrap: wrap; gap: 10px; }
.pile { min-width: 150px; flex: 1 1 150px; border: 1px solid #e2e8f0; border-radius: 6px;
        padding: 6px; background: #fff; }
.pile.ended { background: #f7fafc; }
.pile.failed { border-color: #c53030; }
.pile-name { font-weight: 600; margin-bottom: 4px; }
.pile-name .node { color: #718096; font-weight: normal; font-size: 12px; }
.pile .card { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 12px;
              border: 1px solid #cbd5e0; border-radius: 4px; padding: 2px 6px; margin: 3px 0;
              background: #fff; transition: transform .15s; }
.pile .card.local { border-style: dashed; }
.pile .card.done { opacity: .45; background: #edf2f7; }
.pile .card.next { border-color: #2b6cb0; }
.pile .card.top { transform: translate(6px, -2px); box-shadow: 2px 3px 0 #2b6cb0;
                  border-width: 2px; font-weight: 600; }
.pile .regs, .pile .status { font-size: 12px; color: #4a5568; }
.pile.failed .status { color: #c53030; font-weight: 600; }
ol.dealt { list-style: none; display: flex; flex-wrap: wrap; gap: 4px; padding: 0; margin: 0; }
.dealt-card { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 12px;
              border: 1px solid #cbd5e0; border-radius: 4px; padding: 1px 5px; background: #fff; }
.dealt-card.arrive { border-style: dashed; border-color: #2f855a; }
.dealt-card.just { border: 2px solid #1a202c; background: #fefcbf; }
.dealt-card.marked::after { content: " ⚠"; color: #c05621; }
.dealt .more { color: #718096; font-size: 12px; }
.channels .channel { font-size: 12.5px; margin: 2px 0; }
.channel .chip { display: inline-block; border-radius: 9px; padding: 0 7px; margin: 0 2px;
                 font-size: 12px; }
.channel .chip.flight { border: 1px dashed #2f855a; color: #22543d; }
.channel .chip.inbox { background: #c6f6d5; color: #22543d; }
.channel .none { color: #a0aec0; }
table.shared { border-collapse: collapse; }
table.shared th, table.shared td { border: 1px solid #e2e8f0; padding: 2px 8px; }
table.shared th { font-weight: normal; color: #4a5568; }
table.shared td { font-variant-numeric: tabular-nums; font-weight: 600; }
table.shared td.changed { background: #fefcbf; outline: 2px solid #b7791f; }
.stepper .story { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 12.5px;
                  margin: 6px 0; }
.stepper ul.marks { margin: 4px 0; padding-left: 18px; }
.stepper ul.marks li { color: #9c4221; }
.stepper ul.marks li.now { font-weight: 600; }
.stepper ul.marks li::marker { content: "⚠ "; }
.stepper ul.marks li.earlier { color: #718096; }
.stepper ul.marks li.earlier::marker { content: ""; }
.run-end { font-weight: 600; padding: 4px 8px; border-radius: 5px; margin: 6px 0; }
.run-end.pass { background: #f0fff4; color: #22543d; }
.run-end.fail { background: #fff5f5; color: #822727; }
.stepper .note { color: #975a16; }
svg.space-time g.ev { transition: opacity .15s; }
svg.space-time g.ev.future { opacity: .12; }
svg.space-time g.ev.now circle, svg.space-time g.ev.now polygon { stroke: #1a202c;
                                                                 stroke-width: 3; }
tr.outcome[data-outcome] { cursor: pointer; }
tr.outcome[data-outcome]:hover td { background: #ebf8ff; }
tr.outcome.selected td { background: #e2e8f0; }
tr.outcome.selected td.values { font-weight: 600; }
.reading { border: 1px solid #e2e8f0; border-radius: 8px; padding: 6px 14px; margin: 0 0 14px;
           background: #f7fafc; }
.reading p { margin: 4px 0; }
.together-bar { border: 1px solid #cbd5e0; border-radius: 8px; padding: 6px 12px;
                margin: 0 0 14px; background: #faf5ff; }
.together-bar label { font-weight: 600; cursor: pointer; }
table.shared td.differs, .dealt-card.just.differs, .run-end.differs {
  outline: 3px dashed #6b46c1; outline-offset: 1px; }
table.shared td.differs::after, .dealt-card.just.differs::after { content: " \2260";
                                                                  color: #6b46c1; }
.stepper .diff { margin: 6px 0; padding: 3px 8px; border-left: 4px solid #6b46c1;
                 background: #faf5ff; color: #44337a; }
.stepper .diff.same { border-left-color: #a0aec0; background: #f7fafc; color: #4a5568; }
)";

const char kStepperScript[] = R"JS(
'use strict';
(function () {
  const deckBlock = document.getElementById('cardflow-deck');
  if (!deckBlock) return;
  const deck = JSON.parse(deckBlock.textContent);
  // The cards as objects: the data gives each as (index into texts, line).
  for (const stack of deck.stacks) {
    const flat = stack.cards;
    stack.cards = [];
    for (let i = 0; i + 1 < flat.length; i += 2) {
      const t = deck.texts[flat[i]];
      stack.cards.push({ text: t[0], visible: t[1] === 1, line: flat[i + 1] });
    }
  }
  const OPS = ['read', 'write', 'notify', 'await', 'print', 'end', 'arrive', 'local'];
  // The marks list shows the latest this many.
  const kMarksShown = 12;
  const steppers = [];
  let active = 0;
  // Side by side (<main data-together>): one position moves every pane,
  // each showing min(position, its steps); differences are outlined.
  const together = { on: false, k: 0 };

  function el(tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function channelName(c) {
    const ch = deck.channels[c];
    return deck.stacks[ch.from].name + ' \u2192 ' + deck.stacks[ch.to].name;
  }

  // What a step dealt, as the dealt lane shows it.
  function stepLabel(step) {
    if (step.stack < 0) {
      return deck.channels[step.channel].name + ' callback #' + step.seq + ' arrives';
    }
    const who = deck.stacks[step.stack].name + ': ';
    if (step.op === 'end') return who + 'runs to its end';
    let text = who + step.card;
    if (step.op === 'await' && !step.consumed) text += ' (missed)';
    return text;
  }

  // A run's steps as objects, made once from the compact rows
  // (stepper_data.h): the card and pc each dealt, its sentence whole, and the
  // table and channel counts after it (shared between steps that leave them).
  function expand(run) {
    if (run.expanded) return run.expanded;
    let table = run.init.table;
    let chan = deck.channels.map(() => [0, 0, 0]);
    const next = run.init.next.slice();
    run.marked = [];
    run.expanded = run.steps.map((r, i) => {
      const f = (i) => (i < r.length ? r[i] : 0);
      const who = r[0];
      const s = { op: OPS[f(1)], value: f(2), seq: f(6), consumed: f(9) === 1,
                  failure: f(10) || null };
      if (f(11)) {
        s.marks = f(11);
        run.marked.push(i);
      }
      let story = f(3);
      if (who < 0) {
        s.stack = -1;
        s.channel = -1 - who;
        s.name = deck.channels[s.channel].name;
        s.card = '';
        s.pc = 0;
      } else {
        const stack = deck.stacks[who];
        const nx = next[who] || [0, 0];
        const card = stack.cards[nx[1]];
        s.stack = who;
        s.name = stack.name;
        s.from = nx[0];
        s.pc = nx[1];
        s.card = s.op === 'end' || !card ? '' : card.text;
        if (typeof story === 'string' && card) {
          story = stack.name + ': ' + card.text + story + ' (line ' + card.line + ')';
        }
        s.regs = f(7) || [];
        s.next = r.length > 8 ? r[8] : null;
        next[who] = s.next;
        if (s.op === 'read' || s.op === 'write') s.var = f(4);
        if (s.op === 'notify' || s.op === 'await') s.channel = f(4);
        if (s.op === 'write') {
          table = table.slice();
          table[s.var] = s.value;
        }
      }
      s.story = Array.isArray(story) ? story[0] : story || '';
      if (f(5)) {
        chan = chan.slice();
        chan[s.channel] = f(5);
      }
      s.table = table;
      s.chan = chan;
      return s;
    });
    return run.expanded;
  }

  class Stepper {
    constructor(root, index) {
      this.root = root;
      this.index = index;
      this.data = JSON.parse(document.getElementById('stepper-data-' + (index + 1)).textContent);
      this.which = '';  // '' the drawn run, 'o<i>' the witness of outcome row i
      this.run = null;
      this.k = 0;
      this.timer = null;
      this.build();
      this.bindRows();
      // The drawn run's diagram: its events by the step that made them.
      const section = root.closest('.report-section');
      this.events = section ?
          Array.from(section.querySelectorAll('svg.space-time g.ev[data-key]')) : [];
      const first = this.data.sample ? '' : this.firstWitness();
      this.load(first === null ? '' : first, 0, false);
    }

    // Without a drawn run (remote placement), a witness: of the first
    // outcome that breaks an expect, as the drawn run would be, else the first.
    firstWitness() {
      const bad = this.data.outcomes.findIndex((o) => o.run && !o.expect);
      const i = bad >= 0 ? bad : this.data.outcomes.findIndex((o) => o.run);
      return i < 0 ? null : 'o' + i;
    }

    build() {
      const r = this.root;
      r.textContent = '';
      const controls = el('div', 'controls');
      this.playBtn = el('button', 'play', 'Play');
      this.backBtn = el('button', 'back', '\u25c0 Step');
      this.fwdBtn = el('button', 'fwd', 'Step \u25b6');
      this.playBtn.type = this.backBtn.type = this.fwdBtn.type = 'button';
      this.backBtn.title = 'Step back (\u2190)';
      this.fwdBtn.title = 'Step forward (\u2192)';
      this.playBtn.title = 'Play or pause (space)';
      this.scrub = el('input', 'scrub');
      this.scrub.type = 'range';
      this.scrub.min = '0';
      this.scrub.setAttribute('aria-label', 'step');
      this.pos = el('span', 'pos');
      controls.append(this.playBtn, this.backBtn, this.fwdBtn, this.scrub, this.pos);
      this.title = el('p', 'run-title');
      this.note = el('p', 'note');
      this.piles = el('div', 'piles');
      this.dealt = el('div', 'dealt');
      this.channels = el('div', 'channels');
      this.table = el('div', 'table');
      this.story = el('p', 'story');
      this.marks = el('ul', 'marks');
      this.end = el('p', 'run-end');
      this.diff = el('p', 'diff');
      this.diff.hidden = true;
      r.append(controls, this.title, this.note, el('h4', '', 'Stacks (the next card raised)'),
               this.piles, el('h4', '', 'Dealt, in the order the shuffle chose'), this.dealt);
      if (deck.channels.length > 0) {
        r.append(el('h4', '', 'Callbacks in flight and in the inbox'), this.channels);
      }
      r.append(el('h4', '', 'Shared table'), this.table, this.story, this.end, this.diff,
               this.marks);
      this.playBtn.addEventListener('click', () => this.toggle());
      this.backBtn.addEventListener('click', () => { this.pause(); this.go(this.at() - 1); });
      this.fwdBtn.addEventListener('click', () => { this.pause(); this.go(this.at() + 1); });
      this.scrub.addEventListener('input', () => { this.pause(); this.go(+this.scrub.value); });
      const section = r.closest('.report-section') || r;
      section.addEventListener('pointerdown', () => { active = this.index; });
      section.addEventListener('focusin', () => { active = this.index; });
    }

    bindRows() {
      const section = this.root.closest('.report-section');
      if (!section) return;
      this.rows = Array.from(section.querySelectorAll('tr.outcome[data-outcome]'));
      for (const row of this.rows) {
        const i = +row.dataset.outcome;
        const o = this.data.outcomes[i];
        if (!o || !o.run) continue;
        row.tabIndex = 0;
        row.title = 'Show a run that ends here (seed ' + o.seed + ')';
        const pick = () => {
          active = this.index;
          this.pause();
          this.load('o' + i, 0, true);
        };
        row.addEventListener('click', pick);
        row.addEventListener('keydown', (e) => {
          if (e.key === 'Enter') { e.preventDefault(); pick(); }
        });
      }
    }

    steps() { return this.run ? expand(this.run) : []; }

    // The position the controls move and how far it goes: this pane's, or
    // the shared one of panes that move as one.
    at() { return together.on ? together.k : this.k; }
    span() { return together.on ? longest() : this.steps().length; }

    load(which, k, save) {
      let run = null;
      if (which.startsWith('o')) {
        const o = this.data.outcomes[+which.slice(1)];
        run = o && o.run ? (o.run === 'sample' ? this.data.sample : o.run) : null;
      }
      if (!run) {
        which = '';
        run = this.data.sample;
      }
      this.which = which;
      this.run = run;
      for (const row of this.rows || []) {
        row.classList.toggle('selected', which !== '' && row.dataset.outcome === which.slice(1));
      }
      this.root.dataset.run = which === '' ? 'sample' : which;
      if (!run) {
        this.title.textContent = 'No run to step through.';
        this.go(0, save);
        return;
      }
      const what = which === '' ? 'The drawn run' :
          'Witness of ' + this.data.outcomes[+which.slice(1)].text;
      this.title.textContent = '';
      this.title.append(what + ': seed ' + run.seed + ', schedule ');
      this.title.append(el('code', '', run.schedule || '(none recorded)'));
      this.note.textContent = run.note || '';
      this.note.hidden = !run.note;
      this.go(k, save);
    }

    // Together, the first pane's timer plays them all.
    toggle() {
      if (together.on && this !== steppers[0]) { steppers[0].toggle(); return; }
      if (this.timer) { this.pause(); return; }
      if (this.at() >= this.span()) this.go(0);
      this.showPlaying(true);
      this.timer = setInterval(() => {
        if (this.at() >= this.span()) { this.pause(); return; }
        this.go(this.at() + 1);
      }, 700);
    }

    pause() {
      if (together.on && this !== steppers[0]) steppers[0].pause();
      if (this.timer) clearInterval(this.timer);
      this.timer = null;
      this.showPlaying(false);
    }

    showPlaying(on) {
      for (const st of together.on ? steppers : [this]) {
        st.playBtn.textContent = on ? 'Pause' : 'Play';
        st.root.classList.toggle('playing', on);
      }
    }

    go(k, save) {
      if (together.on) {
        moveAll(k);
      } else {
        this.k = Math.max(0, Math.min(this.steps().length, k | 0));
        this.render();
      }
      if (save !== false) writeHash();
    }

    // The state after this.k steps: the latest step of each stack fixes
    // its next card and registers.
    render() {
      const steps = this.steps();
      const k = this.k;
      const run = this.run;
      this.root.dataset.step = String(k);
      this.scrub.max = String(this.span());
      this.scrub.value = String(this.at());
      this.pos.textContent = 'step ' + k + ' of ' + steps.length;
      this.backBtn.disabled = this.at() === 0;
      this.fwdBtn.disabled = this.at() >= this.span();
      const n = deck.stacks.length;
      const next = run ? run.init.next.slice() : deck.stacks.map(() => null);
      const regs = deck.stacks.map((s) => s.registers.map(() => 0));
      const failed = deck.stacks.map(() => null);
      for (let i = 0; i < k; ++i) {
        const s = steps[i];
        if (s.stack < 0) continue;
        next[s.stack] = s.next;
        regs[s.stack] = s.regs;
        if (s.failure) failed[s.stack] = s.failure;
      }
      const last = k > 0 ? steps[k - 1] : null;

      // Piles: built once per run, then only the stacks whose state changed
      // are redrawn (a wide deck has thousands of cards).
      if (this.pileRun !== run || !this.pileEls) {
        this.pileRun = run;
        this.pileEls = [];
        this.pileKeys = [];
        this.piles.textContent = '';
        for (let s = 0; s < n; ++s) {
          const stack = deck.stacks[s];
          const pile = el('div', 'pile');
          pile.dataset.stack = stack.name;
          const name = el('div', 'pile-name', stack.name + ' ');
          if (stack.node) name.append(el('span', 'node', 'on ' + stack.node));
          pile.append(name);
          const cards = stack.cards.map((card, pc) => {
            const c = el('div', 'card', card.text);
            c.dataset.pc = String(pc);
            c.title = 'line ' + card.line;
            pile.append(c);
            return c;
          });
          const regsEl = el('div', 'regs');
          const statusEl = el('div', 'status');
          if (stack.registers.length > 0) pile.append(regsEl);
          pile.append(statusEl);
          this.pileEls.push({ pile, cards, regsEl, statusEl });
          this.piles.append(pile);
        }
      }
      for (let s = 0; s < n; ++s) {
        const stack = deck.stacks[s];
        const nx = next[s];
        const moved = !!(last && last.stack === s);
        const key = JSON.stringify([nx, failed[s], regs[s], moved]);
        if (this.pileKeys[s] === key) continue;
        this.pileKeys[s] = key;
        const p = this.pileEls[s];
        stack.cards.forEach((card, pc) => {
          const c = p.cards[pc];
          c.className = 'card';
          if (!card.visible) c.classList.add('local');
          if (!nx || pc < nx[0]) c.classList.add('done');
          else if (pc <= nx[1]) c.classList.add('next');
          if (nx && pc === nx[1]) c.classList.add('top');
        });
        p.regsEl.textContent = stack.registers.map((r, i) => r + '=' + regs[s][i]).join(' ');
        let status = '';
        p.pile.className = 'pile';
        if (failed[s]) { status = 'run error: ' + failed[s]; p.pile.classList.add('failed'); }
        else if (!nx) { status = 'ended'; p.pile.classList.add('ended'); }
        else if (nx[1] >= stack.cards.length) status = 'next: runs to its end';
        p.statusEl.textContent = status;
        p.statusEl.hidden = status === '';
        if (moved) p.pile.classList.add('moved');
      }

      // The dealt lane: the latest 16 steps.
      this.dealt.textContent = '';
      this.justEl = null;
      const lane = el('ol', 'dealt');
      const from = Math.max(0, k - 16);
      if (from > 0) this.dealt.append(el('span', 'more', '\u2026 ' + from + ' earlier '));
      for (let i = from; i < k; ++i) {
        const s = steps[i];
        const li = el('li', 'dealt-card ' + (s.stack < 0 ? 'arrive' : 'op-' + s.op),
                      stepLabel(s));
        li.dataset.step = String(i + 1);
        if (i === k - 1) { li.classList.add('just'); this.justEl = li; }
        if (s.marks) li.classList.add('marked');
        lane.append(li);
      }
      if (k === 0) lane.append(el('li', 'none', 'nothing dealt yet'));
      this.dealt.append(lane);

      // Channels.
      this.channels.textContent = '';
      deck.channels.forEach((ch, c) => {
        const counts = last ? last.chan[c] : [0, 0, 0];
        const sent = run ? run.sent[c] : [];
        const row = el('div', 'channel');
        row.dataset.channel = ch.name;
        row.dataset.flight = String(counts[2] - counts[1]);
        row.dataset.inbox = String(counts[1] - counts[0]);
        row.append(el('b', '', channelName(c)), ' in flight: ');
        const chips = (lo, hi, cls) => {
          if (hi <= lo) { row.append(el('span', 'none', 'none')); return; }
          for (let q = lo; q < hi; ++q) {
            row.append(el('span', 'chip ' + cls, '#' + (q + 1) + ' (' + sent[q] + ')'));
          }
        };
        chips(counts[1], counts[2], 'flight');
        row.append(' \u00b7 inbox of ' + deck.stacks[ch.to].name + ': ');
        chips(counts[0], counts[1], 'inbox');
        this.channels.append(row);
      });

      // The shared table.
      this.table.textContent = '';
      const table = el('table', 'shared');
      const head = el('tr');
      const body = el('tr');
      const values = last ? last.table : (run ? run.init.table : []);
      this.values = run ? values : null;
      this.cells = [];
      deck.shared.forEach((name, v) => {
        head.append(el('th', '', name));
        const td = el('td', '', String(values[v]));
        td.dataset.var = name;
        if (last && last.op === 'write' && last.var === v) td.classList.add('changed');
        this.cells.push(td);
        body.append(td);
      });
      table.append(head, body);
      this.table.append(table);

      this.story.textContent = last ? 'Step ' + k + ' \u2014 ' + last.story :
          'Before the first step: every stack is at its first card.';

      // Marks so far, the latest step's in bold: the last kMarksShown of
      // them, redrawn only when they change (a long list relaid out at every
      // step makes a long run's steps slow).
      const marked = run ? run.marked : [];
      let upto = 0;
      while (upto < marked.length && marked[upto] < k) ++upto;
      const marksKey = run ? upto + '/' + (upto > 0 && marked[upto - 1] === k - 1) : '';
      if (this.marksKey !== marksKey || this.marksRun !== run) {
        this.marksKey = marksKey;
        this.marksRun = run;
        this.marks.textContent = '';
        const lines = [];
        for (let j = upto - 1; j >= 0 && lines.length < kMarksShown; --j) {
          const i = marked[j];
          const ms = steps[i].marks;
          for (let m = ms.length - 1; m >= 0 && lines.length < kMarksShown; --m) {
            lines.push(el('li', i === k - 1 ? 'now' : '', 'step ' + (i + 1) + ': ' + ms[m]));
          }
        }
        let earlier = -lines.length;
        for (let j = 0; j < upto; ++j) earlier += steps[marked[j]].marks.length;
        if (earlier > 0) {
          this.marks.append(el('li', 'earlier', '\u2026 ' + earlier + ' earlier'));
        }
        this.marks.append(...lines.reverse());
      }

      this.grow();

      // The end.
      this.end.hidden = !(run && k === steps.length && k > 0);
      this.end.className = 'run-end';
      if (run && k === steps.length) {
        if (run.error) {
          this.end.textContent = 'The run stops on a run error: ' + run.error;
          this.end.classList.add('fail');
        } else {
          this.end.textContent = 'The run ends in ' + run.outcome + ' \u2014 ' +
              (run.expect_ok ? '\u2713 expect holds' : '\u2717 expect broken') +
              (run.order_violation ? ', an await missed its callback' : '');
          this.end.classList.add(run.expect_ok && !run.order_violation ? 'pass' : 'fail');
        }
        this.end.dataset.outcome = run.outcome;
      }
    }
  }

  function longest() {
    return Math.max(0, ...steppers.map((st) => st.steps().length));
  }

  // Every pane to position k (each stops at its own end), then the
  // differences between them at that step.
  function moveAll(k) {
    together.k = Math.max(0, Math.min(longest(), k | 0));
    for (const st of steppers) {
      st.k = Math.min(together.k, st.steps().length);
      st.render();
    }
    markDifferences();
  }

  // Outlines, in each pane, what differs from the other pane (the first
  // pane's other is the second) at the step shown: the shared table's
  // values, the card just dealt, the outcome once both runs have ended; and
  // says so in words under the table.
  function markDifferences() {
    for (const st of steppers) {
      for (const td of st.cells || []) { td.classList.remove('differs'); td.removeAttribute('title'); }
      if (st.justEl) st.justEl.classList.remove('differs');
      st.end.classList.remove('differs');
      st.diff.hidden = true;
      st.root.dataset.differs = '';
    }
    if (!together.on || steppers.length < 2) return;
    for (const st of steppers) {
      const other = steppers[st === steppers[0] ? 1 : 0];
      if (!st.values || !other.values) continue;
      const found = [];
      deck.shared.forEach((name, v) => {
        if (st.values[v] === other.values[v]) return;
        st.cells[v].classList.add('differs');
        st.cells[v].title = other.data.title + ': ' + other.values[v];
        found.push(name + ' ' + st.values[v] + ' vs ' + other.values[v]);
      });
      const mine = st.justEl ? st.justEl.textContent : null;
      const theirs = other.justEl ? other.justEl.textContent : null;
      if (mine !== null && theirs !== null && mine !== theirs) {
        st.justEl.classList.add('differs');
        st.justEl.title = other.data.title + ' dealt ' + theirs;
        found.push('the card dealt');
      }
      const ended = (p) => p.k > 0 && p.k === p.steps().length;
      if (ended(st) && ended(other) && st.run.outcome !== other.run.outcome) {
        st.end.classList.add('differs');
        found.push('the outcome');
      }
      st.root.dataset.differs = found.join(', ');
      st.diff.hidden = false;
      st.diff.classList.toggle('same', found.length === 0);
      st.diff.textContent = found.length === 0 ?
          'Here the table is the same as in ' + other.data.title + '.' :
          'Here, unlike ' + other.data.title + ': ' + found.join('; ') + '.';
    }
  }

  // The bar above side-by-side panes: stepping together, on by default.
  function togetherBar(main) {
    const bar = el('div', 'together-bar');
    const label = el('label');
    const box = el('input');
    box.type = 'checkbox';
    box.checked = true;
    box.className = 'together';
    label.append(box, ' Step both runs together');
    bar.append(label, ' — one control moves every pane; what differs at the step shown ' +
               'is outlined (≠).');
    main.before(bar);
    box.addEventListener('change', () => {
      for (const st of steppers) st.pause();
      together.on = box.checked;
      if (together.on) moveAll(Math.max(0, ...steppers.map((st) => st.k)));
      else { for (const st of steppers) st.render(); markDifferences(); }
      writeHash();
    });
  }

  // The step's key in the diagram (space_time_svg.cc): `A:3` or `A>B#1`.
  function eventKey(step) {
    if (step.stack < 0) return deck.channels[step.channel].name + '#' + step.seq;
    return deck.stacks[step.stack].name + ':' + step.pc;
  }

  // The diagram draws the drawn run: it grows with the steps taken (events
  // of later steps faded, the latest step's outlined); for a witness it
  // stays whole.
  Stepper.prototype.grow = function () {
    if (this.events.length === 0) return;
    const drawn = this.which === '' && this.run;
    const steps = this.steps();
    if (this.keyRun !== this.run) {
      this.keyRun = this.run;
      this.keyAt = new Map();
      steps.forEach((s, i) => this.keyAt.set(eventKey(s), i));
    }
    const at = this.keyAt;
    for (const g of this.events) {
      const i = at.has(g.dataset.key) ? at.get(g.dataset.key) : steps.length;
      g.classList.toggle('future', drawn && i >= this.k && this.k < steps.length);
      g.classList.toggle('now', drawn && i === this.k - 1);
    }
  };

  function writeHash() {
    const parts = [];
    for (const st of steppers) {
      if (st.k > 0) parts.push('s' + st.index + '=' + st.k);
      if (st.which !== '') parts.push('r' + st.index + '=' + st.which);
    }
    const hash = parts.length ? '#' + parts.join('&') : ' ';
    if (hash === location.hash) return;
    try {
      history.replaceState(null, '', hash === ' ' ? location.pathname + location.search : hash);
    } catch (e) {
      if (hash !== ' ') location.replace(hash);
    }
  }

  function readHash() {
    const state = {};
    for (const part of location.hash.replace(/^#/, '').split('&')) {
      const m = /^([sr])(\d+)=(\w+)$/.exec(part);
      if (m) (state[m[2]] = state[m[2]] || {})[m[1]] = m[3];
    }
    // Together: each pane loads its run, then all move to the furthest step.
    const on = together.on;
    together.on = false;
    let furthest = 0;
    for (const st of steppers) {
      const s = state[st.index];
      if (!s) continue;
      st.pause();
      const k = s.s ? parseInt(s.s, 10) : 0;
      furthest = Math.max(furthest, k);
      st.load(s.r || '', k, false);
    }
    together.on = on;
    if (on) moveAll(furthest);
  }

  document.querySelectorAll('.stepper[data-section]').forEach((root) => {
    steppers.push(new Stepper(root, +root.dataset.section));
  });
  const main = document.querySelector('main[data-together]');
  if (main && steppers.length > 1) {
    together.on = true;
    togetherBar(main);
    moveAll(0);
  }
  readHash();
  window.addEventListener('hashchange', readHash);

  document.addEventListener('keydown', (e) => {
    if (e.altKey || e.ctrlKey || e.metaKey) return;
    const st = steppers[active];
    if (!st) return;
    const t = e.target;
    const inInput = t instanceof HTMLInputElement || t instanceof HTMLTextAreaElement ||
        t instanceof HTMLSelectElement;
    if (e.key === 'ArrowRight' || e.key === 'ArrowLeft') {
      if (inInput) return;  // the scrubber moves itself
      e.preventDefault();
      st.pause();
      st.go(st.at() + (e.key === 'ArrowRight' ? 1 : -1));
    } else if (e.key === ' ' || e.key === 'Spacebar') {
      if (inInput || t instanceof HTMLButtonElement) return;
      e.preventDefault();
      st.toggle();
    } else if (e.key === 'Home' || e.key === 'End') {
      if (inInput) return;
      e.preventDefault();
      st.pause();
      st.go(e.key === 'Home' ? 0 : st.span());
    }
  });
})();
)JS";

}  // namespace cardflow
