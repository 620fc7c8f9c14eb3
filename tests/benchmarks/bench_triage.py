"""Triage accuracy and speed: real customer mentions beside our synthetic sets, rules alone and
rules + model, next to plain VADER; per category, with the confusion matrix.

Run: python tests/benchmarks/bench_triage.py [--misses]

Sets (origins: tests/data/README.md):
- real dev (customer_dev.jsonl, 440 real tweets): tuned on, and the shipped model was fitted on it,
  so its figures here are in-sample. The honest dev figure is the cross-validated one printed by
  fit_triage.py (each row scored by a model that never saw it).
- real extra and more (customer_extra.jsonl, customer_more.jsonl): model training rows, in-sample
  too. The honest real figures are the cross-validated ones on all real training rows that
  fit_triage.py stores in the model; they are printed first.
- real blind and blind 2 (customer_blind.jsonl, customer_blind2.jsonl): each was measured once, blind,
  when the model and rules of its session were final (figures in tui/rules/data/MODEL-CARD.md); both
  are spent and are now training rows, in-sample like the others.
- real blind 3 (customer_blind3.jsonl, 300 tweets to @SpotifyCares from the full corpus, beyond the
  rows in shared/corpora): labelled blind in session 33, measured once then; never trained on, its
  misses not read (figures in MODEL-CARD.md, session 33); real spotify (customer_spotify.jsonl, the
  next 600 of the same draw): never trained on, misses not read.
- real 80 brands and blind 4 (customer_multi.jsonl, customer_blind4.jsonl; session 34): tweets to 80
  non-airline brands from a random sample of the full corpus. The 600 of customer_multi were measured
  once before any change, then read (phrase and crisis rules came from them), never trained on; the 300 of
  blind 4 were measured once at the end of session 34, never trained on, misses not read.
  real blind 5 (customer_blind5.jsonl): the next 300 of the same draw, labelled and measured once
  at the very end of session 34. None of these is trained on; `--misses` lists no miss of a set
  marked unread.
  real blind 6 (customer_blind6.jsonl; session 35): 300 customer tweets from a third public copy of
  the corpus (S0l0m4n/aie3-twitter-customer-support `data/test_set.csv`, text only, a random 30k
  inbound sample), labelled before any engine ran and measured once at the end of session 35
  (pooled with the unread sets then: 0.811 / 0.788 / 0.865); its misses were read after that.
  real more 2 and blind 7 (customer_more2.jsonl, customer_blind7.jsonl; session 36): 3,020 and 300
  more tweets of the same copy, labelled before any engine ran. Since session 36 the model is
  trained on more 2, the 80 brands' 600 and blind 6 (in-sample now); blind 7 never, its misses not
  read.
  real blind 8 (customer_blind8.jsonl; session 45): 600 more tweets to the 80 brands of the second
  copy (the last of its customer tweets in no set here, airlines and @SpotifyCares left out),
  labelled by four annotators before any engine ran, measured once at the end of session 45 and
  never trained on, its misses not read.
  real blind 9 (customer_blind9.jsonl; session 46): the 247 tweets of that copy left after blind
  8 (in no set here, airlines left out), labelled the same way, measured once at the end of session
  46, never trained on, its misses not read.
  real airline and airline blind (customer_air.jsonl, customer_air_blind.jsonl; session 56): 1,140
  real tweets to airlines (American, Delta, Southwest, British Airways, ...) from the two copies
  above that earlier sessions drew without airlines, labelled by eight annotators before any
  engine ran. The 740 of real airline were measured once, then read; the 400 of the blind set were
  measured once at the end of session 56 (a second annotator's labels, for agreement:
  customer_air_blind_second.jsonl). Neither is trained on (a refit with the 740 was measured and
  not kept: MODEL-CARD.md, session 56).
  The sets marked unread are also printed pooled (one line per engine): the best guess at fresh
  text for label, kind and priority. Their crises are not: in session 38 the 20 crises the
  pooled unread sets missed were read, and 11 are now caught by new crisis patterns (10 -> 21 of
  30); their other misses stay unread.
- Labels: a neutral row that reports a problem (something failed, is late, missing, wrongly charged...)
  counts as negative (`"problem": true`, its first label kept as `label_first`; see tests/data/README.md).
  The figures against the first labels are printed on the `first labels` line of each real set.
- synthetic: labelled and fresh-a were tuned on and are training rows; held-out and fresh-b never
  (fresh-b is spent: its misses were read while tuning the rules, sessions 11 and 17).
- crisis blind 6, 7, 8 and 9 (triage_crisis_s13_blind*.jsonl, triage_crisis_s14_blind8.jsonl,
  triage_crisis_s15_blind9.jsonl): 100 crises and 80 lookalikes each, by writers who saw nothing of
  the engine, never trained on (figures in MODEL-CARD.md, sessions 13 to 15); and session 15's
  writers p, q and r (triage_crisis_s15_heldout.jsonl: 480 crises, 420 lookalikes), never trained
  on either; session 20's blind 10 (triage_crisis_s20_blind10.jsonl) and writers s, t, u and v
  (triage_crisis_s20.jsonl: 640 crises, 560 lookalikes), never trained on; session 26's writers
  w, x and y (triage_crisis_s26.jsonl: harm-sounding words beside real harm; the patterns were
  tuned on w and y; x was measured before and after, then tuned on too: spent); session 44's
  ten writers (triage_crisis_s44.jsonl: 1,000 crises, 600 lookalikes; measured once in five
  pairs, then read and tuned on: spent).
  Their crises column is the one to watch: harm in wording nobody listed.
- public a-c and d (triage_public_s28*.jsonl): mentions about brands as people post them in public,
  praise said sideways among them, by four writers who saw nothing of the engine (PUBLIC-BRIEF.md);
  none is trained on (a refit on a-c was measured and not kept, session 28); a-c's misses were read.
- irony writers s46 (triage_irony_s46.jsonl): 720 mentions in praise words by six writers who saw
  nothing of the engine (sarcasm, trolling, backhanded and mixed praise beside genuine praise and
  neutral mentions holding praise words); a and b were read and tuned on; c, d, e and f were each
  measured once after changes and their misses are never read.
- writers s49 g, h (triage_writers_s49.jsonl): 120 mentions by two writers who saw nothing of the
  engine (BRIEF-WRITE-MENTIONS.md: crises, lookalikes, irony, praise, neutral); measured once, then read.
- travel writers s50 k, l (triage_travel_s50.jsonl): 200 tweets to invented airlines' support accounts
  in the natural mix (60% negative, 22% neutral, 18% positive; BRIEF-WRITE-TRAVEL.md) by two writers
  who saw nothing of the engine; measured once, then read. m and n (triage_travel_s50_unread.jsonl),
  200 more with the same brief, were measured once and their misses are never read.
- travel writers s51 r, u, v (triage_travel_s51.jsonl): 300 tweets to invented travel brands in an
  even mix of labels (BRIEF-WRITE-BALANCED.md), each measured once, then read; s and t
  (triage_travel_s51_unread.jsonl), 200 more, measured once before and once after, never read.
- travel writers s52 a, b (triage_travel_s52.jsonl): 200 more in the even mix, told not to reuse the
  brief's examples (BRIEF-WRITE-BALANCED2.md); measured once, then read. c and d
  (triage_travel_s52_unread.jsonl), 200 more, measured once before and once after, never read.
- short airline tweets s53 e, f, i, j, m, n, q, r (triage_short_s53.jsonl): 960 tweets typed on a
  phone in the moment (BRIEF-WRITE-SHORT.md; mostly under 140 characters, even mix); each pair
  measured once, then read. g, h, k, l, o, p, s, t (triage_short_s53_unread.jsonl), 960 more,
  never read.
Rows not in English count as right when triage routes them as untriaged in their language.

Columns: label accuracy on the natural mix; "balanced" = mean per-label recall (the accuracy
expected on a draw with as many of each label); kind accuracy; the share of real negatives that
reach the `priority` queue; crises caught; "champ✗" = mentions in `champions` not labelled positive,
of all in `champions` (where `h` offers to thank: sarcasm and complaints must not be there).
--misses lists every miss.

Speed: time per mention (target <= 500 us, MISS if over), the language detector's share, model and
detector load times, and `Pipeline.ingest` throughput into a fresh store, best of three runs
(target >= 1,500/s). Hostile text: the slowest of 10,000-character runs built to make a regex
backtrack ("@@@@...", "!!!!...", "@.@.@."), with explain and the reply hints, as a ratio to the same
length of ordinary mentions (MISS above 10: a pattern gone quadratic, which took 2.3 s before
session 31).
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tui.core.triage import Triager, _packaged_config, merge  # noqa: E402

DATA = ROOT / "tests" / "data"
LABELS = ("negative", "neutral", "positive")
KINDS = ("complaint", "question", "praise", "crisis", "other")
TARGET_US = 500.0
TARGET_RATE = 1500.0


def load(name: str) -> list[dict[str, Any]]:
    path = DATA / name
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]


def sets() -> dict[str, list[dict[str, Any]]]:
    return {
        "real dev (in-sample)": load("customer_dev.jsonl"),
        "real extra (in-sample)": load("customer_extra.jsonl"),
        "real more (in-sample)": load("customer_more.jsonl"),
        "real blind, spent (in-sample)": load("customer_blind.jsonl"),
        "real blind 2, spent (in-sample)": load("customer_blind2.jsonl"),
        "real blind 3 (s33, unread)": load("customer_blind3.jsonl"),
        "real spotify (s33, unread)": load("customer_spotify.jsonl"),
        "real 80 brands (s34, read; in-sample since s36)": load("customer_multi.jsonl"),
        "real blind 4 (s34, unread)": load("customer_blind4.jsonl"),
        "real blind 5 (s34, unread)": load("customer_blind5.jsonl"),
        "real blind 6 (s35, read; in-sample since s36)": load("customer_blind6.jsonl"),
        "real more 2 (s36, in-sample)": load("customer_more2.jsonl"),
        "real blind 7 (s36, unread)": load("customer_blind7.jsonl"),
        "real blind 8 (s45, unread)": load("customer_blind8.jsonl"),
        "real blind 9 (s46, unread)": load("customer_blind9.jsonl"),
        "real airline (s56, measured once, then read)": load("customer_air.jsonl"),
        "real airline blind (s56, unread)": load("customer_air_blind.jsonl"),
        "synth labelled": load("triage_labelled.jsonl"),
        "synth fresh-a": load("triage_fresh_a.jsonl"),
        "synth held-out": load("triage_heldout.jsonl"),
        "synth fresh-b (spent)": load("triage_fresh_b.jsonl"),
        "crisis blind 6 (never trained on)": load("triage_crisis_s13_blind.jsonl"),
        "crisis blind 7 (never trained on)": load("triage_crisis_s13_blind7.jsonl"),
        "crisis blind 8 (never trained on)": load("triage_crisis_s14_blind8.jsonl"),
        "crisis blind 9 (never trained on)": load("triage_crisis_s15_blind9.jsonl"),
        "crisis writers p-r (never trained on)": load("triage_crisis_s15_heldout.jsonl"),
        "crisis blind 10 (never trained on)": load("triage_crisis_s20_blind10.jsonl"),
        "crisis writers s-v (never trained on)": load("triage_crisis_s20.jsonl"),
        "crisis writers w, y (s26, patterns tuned)": [
            r for r in load("triage_crisis_s26.jsonl") if r["set"] != "writer_x"],
        "crisis writer x (s26, spent)": [
            r for r in load("triage_crisis_s26.jsonl") if r["set"] == "writer_x"],
        "public a-c (s28, misses read)": load("triage_public_s28.jsonl"),
        "public d (s28, never trained on)": load("triage_public_s28_heldout.jsonl"),
        "written tweets e, f, i, j (s43, misses read)": load("triage_probes_s43.jsonl"),
        "crisis writers s44 p-y (spent)": load("triage_crisis_s44.jsonl"),
        "irony writers s46 a, b (tuned)": [
            r for r in load("triage_irony_s46.jsonl") if r["writer"] in ("s46a", "s46b")],
        "irony writers s46 c-f (misses never read)": [
            r for r in load("triage_irony_s46.jsonl") if r["writer"] not in ("s46a", "s46b")],
        # session 49: two writers, crises, lookalikes, irony, praise and neutral (BRIEF-WRITE-MENTIONS.md);
        # measured once (session 48's code and 49's: label 0.808, kind 0.750, crises 31 of 36), then read
        "writers s49 g, h (measured once, then read)": load("triage_writers_s49.jsonl"),
        # session 50: travellers' tweets to invented airlines (BRIEF-WRITE-TRAVEL.md), the domain of
        # the project's held-out set; measured once (label 0.925, balanced 0.899, kind 0.825,
        # negatives in `priority` 0.958, crises 12 of 14, 4 non-praise in `champions`), then read
        "travel writers s50 k, l (measured once, then read)": load("triage_travel_s50.jsonl"),
        # ... and two more (m, n), measured once at the end of session 50 with session 49's code and
        # 50's (label 0.895 both, balanced 0.851, kind 0.855 -> 0.860), misses never read
        "travel writers s50 m, n (misses never read)": load("triage_travel_s50_unread.jsonl"),
        # session 51: an even mix of labels to travel brands (BRIEF-WRITE-BALANCED.md), where the
        # balanced draw is weakest; r measured once (0.850 / 0.848), u and v measured once with
        # session 50's code (0.790 / 0.788), all three then read
        "travel writers s51 r, u, v (measured once, then read)": load("triage_travel_s51.jsonl"),
        # ... and s, t: measured once before any change (0.785 / 0.783) and at the end (0.805 /
        # 0.804), never read
        "travel writers s51 s, t (misses never read)": load("triage_travel_s51_unread.jsonl"),
        # session 52: the even mix again, in the writers' own words (BRIEF-WRITE-BALANCED2.md); a, b
        # measured once with session 51's code (0.740 / 0.738), then read
        "travel writers s52 a, b (measured once, then read)": load("triage_travel_s52.jsonl"),
        # ... and c, d: measured once before any change (0.755 / 0.753) and at the end (0.760 /
        # 0.758), never read
        "travel writers s52 c, d (misses never read)": load("triage_travel_s52_unread.jsonl"),
        # session 53: short tweets to airlines (BRIEF-WRITE-SHORT.md); e, f, i, j, m, n, q, r each pair
        # measured once with session 52's code (0.771, 0.754, 0.775, 0.783), then read
        "short airline tweets s53 e-r (measured once, then read)": load("triage_short_s53.jsonl"),
        # ... and g, h, k, l, o, p, s, t: session 52's code 0.797 / 0.797, never read
        "short airline tweets s53 g-t (misses never read)": load("triage_short_s53_unread.jsonl"),
    }


def vader_label(compound: float) -> str:
    return "positive" if compound >= 0.05 else "negative" if compound <= -0.05 else "neutral"


class Tally:
    def __init__(self) -> None:
        self.n = 0
        self.label: Counter[tuple[str, str]] = Counter()
        self.kind: Counter[tuple[str, str]] = Counter()
        self.negatives = self.in_priority = self.crises = self.caught = self.vader = 0
        self.first = 0  # rows whose label agrees with the first (strict) label
        self.champions = self.champions_wrong = 0  # rows in `champions`; of those, not labelled positive

    def add(self, row: dict[str, Any], result: Any, vader: str) -> None:
        self.n += 1
        lang = row.get("lang", "en")
        if lang != "en":  # right when routed untriaged in its language
            ok = result.lang == lang
            self.label[(row["label"], row["label"] if ok else result.label)] += 1
            self.kind[(row["kind"], row["kind"] if ok else result.kind)] += 1
        else:
            self.label[(row["label"], result.label)] += 1
            self.kind[(row["kind"], result.kind)] += 1
        self.vader += vader == row["label"]
        self.first += result.label == row.get("label_first", row["label"])
        if row["label"] == "negative" and lang == "en":
            self.negatives += 1
            self.in_priority += result.queue == "priority"
        if row["kind"] == "crisis":
            self.crises += 1
            self.caught += result.kind == "crisis"
        if result.queue == "champions":
            self.champions += 1
            self.champions_wrong += row["label"] != "positive"

    def accuracy(self, table: Counter[tuple[str, str]]) -> float:
        return sum(n for (a, b), n in table.items() if a == b) / max(1, self.n)

    def recall(self, table: Counter[tuple[str, str]], cls: str) -> float | None:
        total = sum(n for (a, _), n in table.items() if a == cls)
        return table[(cls, cls)] / total if total else None

    def balanced(self) -> float:
        recalls = [r for c in LABELS if (r := self.recall(self.label, c)) is not None]
        return sum(recalls) / len(recalls)

    def row(self, name: str) -> str:
        neg = f"{self.in_priority / self.negatives:.3f}" if self.negatives else "-"
        crises = f"{self.caught}/{self.crises}" if self.crises else "-"
        champions = f"{self.champions_wrong}/{self.champions}" if self.champions else "-"
        return (f"{name:<30} {self.n:>4} {self.accuracy(self.label):>6.3f} {self.balanced():>8.3f} "
                f"{self.accuracy(self.kind):>6.3f} {neg:>8} {crises:>7} {champions:>8} "
                f"{self.vader / self.n:>6.3f}")

    def targets(self, name: str) -> list[str]:
        """The issue's bars for held-out real text (label and balanced >= 0.80, negatives in
        `priority` >= 0.85), one line each, PASS or MISS: the unread sets are our best guess at it."""
        neg = self.in_priority / self.negatives if self.negatives else 0.0
        return [f"real_{what} set={name} ratio={value:.3f} target>={bar} {'PASS' if value >= bar else 'MISS'}"
                for what, value, bar in (("label", self.accuracy(self.label), 0.80),
                                         ("balanced", self.balanced(), 0.80),
                                         ("negatives_in_priority", neg, 0.85))]

    def details(self) -> list[str]:
        def fmt(table: Counter[tuple[str, str]], classes: tuple[str, ...]) -> str:
            parts = []
            for c in classes:
                r = self.recall(table, c)
                if r is not None:
                    total = sum(n for (a, _), n in table.items() if a == c)
                    parts.append(f"{c} {r:.2f} of {total}")
            return ", ".join(parts)

        lines = [f"      recall by label: {fmt(self.label, LABELS)}",
                 f"      recall by kind:  {fmt(self.kind, KINDS)}",
                 "      label confusion (rows: truth, columns: triage)  "
                 + " ".join(f"{c:>9}" for c in LABELS)]
        for want in LABELS:
            lines.append(f"      {'':<47}{want:<9}" + " ".join(f"{self.label[(want, g)]:>9}" for g in LABELS))
        lines.append(f"      label accuracy against the first labels (calm problem reports neutral): "
                     f"{self.first / max(1, self.n):.3f}")
        return lines


HEAD = (f"{'set':<30} {'n':>4} {'label':>6} {'balanced':>8} {'kind':>6} {'neg→pri':>8} {'crises':>7} "
        f"{'champ✗':>8} {'vader':>6}")


def main() -> None:
    show_misses = "--misses" in sys.argv
    started = time.perf_counter()
    combined = Triager.load()
    combined.triage("warm up the model and the language detector: hola que tal amigos míos")
    load_ms = (time.perf_counter() - started) * 1000
    rules = Triager(merge(_packaged_config(), {"model": {"enabled": False}}, "bench"))
    vader = SentimentIntensityAnalyzer()
    now = datetime(2025, 1, 1, 12, tzinfo=UTC)
    created = now - timedelta(hours=3)
    print(f"Triager.load() + model + language model: {load_ms:.0f} ms")
    print_cv()
    all_rows: list[dict[str, Any]] = []
    for engine_name, engine in (("rules alone", rules), ("rules + model", combined)):
        print(f"\n== {engine_name} ==")
        print(HEAD)
        unread = Tally()  # every set marked unread, pooled: the best guess at fresh text
        for name, rows in sets().items():
            if not rows:
                continue
            tally = Tally()
            misses = []
            for row in rows:
                result = engine.triage(row["text"], followers=row.get("followers"), created_at=created,
                                       now=now)
                tally.add(row, result, vader_label(vader.polarity_scores(row["text"])["compound"]))
                if "unread" in name:
                    unread.add(row, result, vader_label(vader.polarity_scores(row["text"])["compound"]))
                wrong = (result.label, result.kind) != (row["label"], row["kind"])
                if wrong and row.get("lang", "en") == "en":
                    misses.append((row, result))
            print(tally.row(name))
            if name.startswith("real") or name.startswith("REAL"):
                for line in tally.details():
                    print(line)
            if show_misses and engine is combined and "unread" not in name and "never read" not in name:
                for row, result in misses:
                    print(f"    want {row['label']}/{row['kind']} got {result.label}/{result.kind}"
                          f" ({result.sentiment:+.2f}): {' '.join(row['text'].split())[:150]}")
            if engine is combined:
                all_rows += rows
        if unread.n:
            print(unread.row("real unread sets, pooled"))
            for line in unread.details()[:2]:
                print(line)
            if engine is combined:
                for line in unread.targets("unread-pool"):
                    print(line)
    texts = [row["text"] for row in all_rows]
    speed(combined, rules, texts, now, created)
    hostile(combined, texts)


def print_cv() -> None:
    """The honest real-set figures: the cross-validation fit_triage.py ran on every real training
    row (dev + extra + more) before fitting the shipped model, as stored in the model."""
    from tui.core.triage_modelcache import packaged_model

    cv = packaged_model().meta.get("cv")
    if not cv:
        print("(the shipped model stores no cross-validated figures: see tui/rules/data/MODEL-CARD.md, "
              "or refit with fit_triage.py, which stores them)")
        return
    print("\n== real rows, 5-fold cross-validation (fit_triage.py; each row scored by a model that "
          "never saw it) ==")
    print(f"{'':<30} {'n':>4} {'label':>6} {'balanced':>8} {'kind':>6} {'neg→pri':>8} {'crises':>7}")
    for name, f in cv.items():
        print(f"{name:<30} {f['n']:>4} {f['label']:>6.3f} {f['balanced']:>8.3f} {f['kind']:>6.3f} "
              f"{f['negatives_in_priority']:>8.3f} {f['crises']:>7}")
    confusion = cv.get("combined", {}).get("confusion")
    if confusion:
        print("      label confusion, combined (rows: truth, columns: triage)  "
              + " ".join(f"{c:>9}" for c in LABELS))
        for want, counts in zip(LABELS, confusion, strict=True):
            print(f"      {'':<47}{want:<9}" + " ".join(f"{n:>9}" for n in counts))


def speed(combined: Triager, rules: Triager, texts: list[str], now: datetime, created: datetime) -> None:
    from tui.core.triage_lang import LanguageDetector

    for text in texts:  # warm up
        combined.triage(text, followers=100, created_at=created, now=now)
    rounds = 5

    def per_mention(fn: Any) -> float:
        best = float("inf")
        for _ in range(rounds):
            t = time.perf_counter()
            for text in texts:
                fn(text)
            best = min(best, (time.perf_counter() - t) / len(texts) * 1e6)
        return best

    ours = per_mention(lambda t: combined.triage(t, followers=100, created_at=created, now=now))
    alone = per_mention(lambda t: rules.triage(t, followers=100, created_at=created, now=now))
    detector = LanguageDetector()
    detector.detect("hola que tal amigos míos")
    lang = per_mention(detector.detect)
    vader = SentimentIntensityAnalyzer()
    plain = per_mention(vader.polarity_scores)
    fast = per_mention(combined._analyzer.polarity_scores)  # same scores (tests/core/test_triage_vader.py)
    explain = per_mention(lambda t: combined.triage(t, explain=True))
    flag = "ok" if ours <= TARGET_US else "MISS"
    print(f"\nper mention (best of {rounds} over {len(texts)} texts): triage {ours:.0f} us "
          f"[target <= {TARGET_US:.0f}: {flag}]; rules alone {alone:.0f} us (language detection "
          f"included in both: {lang:.0f} us); with explain {explain:.0f} us; plain VADER {plain:.0f} us "
          f"(triage's own VADER, same scores: {fast:.0f} us)")
    code = ("import time; t = time.perf_counter(); from tui.core.triage_lang import LanguageDetector; "
            "LanguageDetector().detect('hola que tal amigos mios, esto es una prueba'); "
            "print(round((time.perf_counter() - t) * 1000))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT,
                         check=True)
    print(f"language detector import + model load, fresh process: {out.stdout.strip()} ms")
    # best of three: one run on a shared machine can lose a third of its speed to a neighbour
    rate = max(collect_rate(texts, now) for _ in range(3))
    flag = "ok" if rate >= TARGET_RATE else "MISS"
    print(f"collect: Pipeline.ingest into a fresh store {rate:.0f} mentions/s [target >= "
          f"{TARGET_RATE:.0f}: {flag}]")


HOSTILE_RATIO = 10.0
HOSTILE = ("@", "#", "!", "?", ".", "-", "'", "a", "A", "1", " ", "\n", "\t\n", "@.", "@-", "!?", ":)",
           "a ", "A ", ". ", "no ", "not ", "😀", "🙄 ", "&amp;", "\u202e", "x\u200b",
           # praise and a contrast, over and over: each contrast is read again (session 46)
           "great stuff but lovely staff, ", "gotta love it, ",
           # a question marked at every clause, each checked for a grievance after it (session 53)
           "can i pay, ", "how much is it? ", "no notes. ",
           # praise closing the mention, looked for at every act (session 54)
           "can't even be mad!! ", "kudos ")


def hostile(combined: Triager, texts: list[str]) -> None:
    """A mention is anyone's text, capped at 10,000 characters (tui/core/sanitize.py): none may
    take much longer than ordinary text of its length, in triage with explain or in the hints."""
    from tui.core.hints import HintEngine

    hints = HintEngine.load()
    size = 10_000
    ordinary = " ".join(texts)[:size]

    def seconds(text: str) -> float:
        best = float("inf")
        for _ in range(3):
            t = time.perf_counter()
            combined.triage(text, explain=True)
            hints.check(text, "x")
            best = min(best, time.perf_counter() - t)
        return best

    base = seconds(ordinary)
    worst, unit = max((seconds((unit * size)[:size]), unit) for unit in HOSTILE)
    ratio = worst / base
    flag = "ok" if ratio <= HOSTILE_RATIO else "MISS"
    print(f"hostile text: slowest 10,000-character run {unit!r} {worst * 1000:.0f} ms, ordinary text "
          f"of that length {base * 1000:.0f} ms: ratio {ratio:.1f} [target <= {HOSTILE_RATIO:.0f}: {flag}]")


def collect_rate(texts: list[str], now: datetime) -> float:
    """Mentions per second through the real pipeline (validate, dedupe, triage, store)."""
    from tui.services.pipeline import Pipeline
    from tui.storage.store import Store

    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "s.json")
        pipeline = Pipeline(store, Triager.load(), clock=lambda: now)
        records = [{"id": str(i), "source": "mastodon", "author": f"@u{i}@example.social",
                    "text": f"{text} #{i}", "followers": 100,
                    "created_at": (now - timedelta(minutes=5)).isoformat()}
                   for i, text in enumerate(texts * 3)]
        started = time.perf_counter()
        for record in records:
            pipeline.ingest(record)
        elapsed = time.perf_counter() - started
        store.close()
    return len(records) / elapsed


if __name__ == "__main__":
    main()
