"""The Textual app: thin. It opens the session off the UI thread, runs the sources as workers, and
pushes the inbox screen; each screen lives in its own module under `tui/ui/screens/`."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual import events
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.theme import Theme
from textual.widgets import Static

from tui.core.model import now_utc
from tui.rules.config import Config
from tui.services.session import Session
from tui.sources.base import Source
from tui.storage import paths
from tui.storage.store import StoreError
from tui.ui.themes import (
    DEFAULT_DARK,
    automatic_theme,
    builtin_theme_dirs,
    load_themes,
    remember_theme,
    remembered_theme,
    textual_themes_to_hide,
    variable_defaults,
)

THEME_DEFAULTS = {
    "sentiment-negative": "#e06c75",
    "sentiment-neutral": "#abb2bf",
    "sentiment-positive": "#98c379",
    "kind-crisis": "#ff5555",
    "queue-active": "#61afef",
    "unread": "#61afef",
    "due-soon": "#e5c07b",
    "breached": "#ff5555",
    "hint-negative-language": "#e06c75",
    "hint-excuse": "#d19a66",
    "hint-blame": "#c678dd",
    "hint-shouting": "#e5c07b",
    "hint-other": "#56b6c2",
    "badge-demo": "#c678dd",
}


class TurnaroundApp(App[int]):
    """Streams mentions into queues; everything else happens on the screens."""

    CSS_PATH = "app.tcss"
    TITLE = "Turnaround"
    ENABLE_COMMAND_PALETTE = True
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "quit", "Quit", id="app.quit"),
        Binding("question_mark", "help", "Help", id="app.help"),
        Binding("T", "change_theme", "Theme", show=False, id="app.theme"),
    ]

    def __init__(self, config: Config, db: Path, *, demo: bool = False,
                 sources: Sequence[Source] | None = None,
                 clock: Callable[[], datetime] = now_utc) -> None:
        self._themes: list[Theme] = []
        self._themes_loaded = False
        self._startup_theme: str | None = None
        super().__init__()
        self.config = config
        self.db = db
        self.demo = demo
        self.clock = clock
        self._sources = list(sources) if sources is not None else None
        self.session: Session | None = None
        self.arrivals: asyncio.Event = asyncio.Event()
        self.sources: list[Source] = []
        """The sources running now: the source panel (S) and the inbox's failing marker read them."""
        self.delivered: dict[str, int] = {}
        """Items each source delivered this session: one that delivered has worked, even if quiet."""
        self._failing: set[str] = set()
        self.file_problems: list[str] = []
        """Every problem with the user's files, each once: one notice at start, and the S panel."""

    def compose(self) -> ComposeResult:
        """Shown while the store opens in a thread (a second or two at 100k mentions)."""
        yield Static(Text(f"Opening {self.db} …"), id="loading")

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """The command palette offers every action of the screen, every queue and every theme."""
        yield from super().get_system_commands(screen)
        seen: set[str] = set()
        for binding in screen.BINDINGS:
            if not isinstance(binding, Binding) or binding.action in seen or binding.action == "clear":
                continue
            seen.add(binding.action)
            key = self.get_key_display(binding)
            if binding.action.startswith("queue("):
                queue = binding.action[len("queue('"):-2]
                title, help_text = f"Queue: {queue}", f"Show the {queue} queue ({key})"
            else:
                title, help_text = binding.description, f"Key: {key}"
            yield SystemCommand(title, help_text, partial(screen.run_action, binding.action))
        for name in sorted(self.available_themes):
            yield SystemCommand(f"Theme: {name}", "Switch the colours (remembered)",
                                partial(setattr, self, "theme", name))

    def get_theme_variable_defaults(self) -> dict[str, str]:
        dark = self.current_theme.dark if self._themes_loaded else True
        return {**THEME_DEFAULTS, **variable_defaults(self._themes, dark)}

    async def _load_themes(self) -> None:
        """Our themes are data files: the shipped ones, then the user's (which may override). Read off
        the UI thread, then the theme is chosen before the inbox first paints."""
        themes_dirs = [*builtin_theme_dirs(), paths.user_themes_dir()]
        (self._themes, errors), (remembered, problem) = await asyncio.gather(
            asyncio.to_thread(load_themes, themes_dirs),
            asyncio.to_thread(remembered_theme, paths.ui_state_file()))
        for theme in self._themes:
            self.register_theme(theme)
        self._themes_loaded = True
        self.file_problems += [*errors, *([problem] if problem else [])]
        self._choose_theme(remembered)
        # Only themes checked for contrast are offered (T and the palette list what is registered).
        for name in textual_themes_to_hide(self._themes):
            self.unregister_theme(name)

    def _choose_theme(self, remembered: str | None) -> None:
        """The user's last pick, else the config's, else one legible on this terminal."""
        automatic = automatic_theme(self.console.color_system, self.no_color)
        hidden = textual_themes_to_hide(self._themes)
        for name in (remembered, self.config.theme, automatic, DEFAULT_DARK):
            if name and name in self.available_themes and name not in hidden:
                self.theme = name
                break
            if name and name in (remembered, self.config.theme):  # asked for, but not here: say so
                source = "the theme you last picked" if name == remembered else "ui.theme in the config"
                why = " (not offered: not checked for contrast)" if name in hidden else ""
                if name == self.config.theme and self.config.path is not None:
                    source = f"{self.config.path}: [ui] theme: {name!r}"
                else:
                    source = f"{source}, {name!r},"
                self.file_problems.append(f"{source} is not a theme here{why}; T lists those there are")
        self._startup_theme = self.theme
        self.theme_changed_signal.subscribe(self, self._remember_theme)

    def _remember_theme(self, theme: Theme) -> None:
        """Picked in T or the palette: remembered for this user, whichever store they open next.

        Textual announces the theme chosen at start too (on its next turn): that one is not a pick,
        and remembering it would make NO_COLOR's grey theme stick once colours are back.
        """
        if theme.name == self._startup_theme:
            self._startup_theme = None  # from now on, coming back to it is a pick like any other
            return
        self._startup_theme = None
        self.run_worker(self._save_theme(theme.name), group="theme", exclusive=True)

    async def _save_theme(self, name: str) -> None:
        path = paths.ui_state_file()
        try:
            await asyncio.to_thread(remember_theme, path, name)
        except OSError as error:
            self.notify(f"{path}: cannot remember the theme: {error}", title="Theme not saved",
                        severity="warning", timeout=10, markup=False)

    async def on_mount(self) -> None:
        from tui.ui.screens.inbox import InboxScreen

        await self._load_themes()
        try:
            self.session = await asyncio.to_thread(Session.open, self.config, self.db, clock=self.clock)
        except (StoreError, ValueError) as error:
            # A locked or unreadable store: one clear line, no traceback. (A broken user rule file
            # is not fatal: the session uses the shipped rules and lists it in `problems`.)
            self.exit(return_code=2, message=f"turnaround: {error}")
            return
        self.file_problems += self.session.problems
        if self.config.keys:
            self.set_keymap(self.config.keys)
        for warning in self.session.warnings:
            self.notify(warning, severity="warning", timeout=8)
        for notice in self.session.notices:
            self.notify(notice, timeout=8, markup=False)
        self.session.pipeline.warning_hooks.append(
            partial(self.notify, severity="warning", timeout=10, markup=False))
        await self.push_screen(InboxScreen(self.session, demo=self.demo))
        self.set_interval(0.1, self._sync_store)
        self.set_interval(0.5, self._drain_spool)
        self.set_interval(5, self._tick)
        self.sources = sources = self._build_sources()
        self.set_interval(1, self._check_health)
        for source in sources:
            if source.can_reply and hasattr(source, "post_reply"):
                self.session.outbox.senders[source.platform] = source.post_reply
                self.session.outbox.prefixes[source.platform] = source.reply_prefix
            self.run_worker(self._run_source(source), group="sources", name=source.name)
        self.run_worker(self._check_user_files(), group="user-files", name="user-files")
        self._stop_outbox = asyncio.Event()
        self.run_worker(self.session.outbox.run(self._stop_outbox), group="outbox", name="outbox")

    def _build_sources(self) -> list[Source]:
        if self._sources is not None:
            return self._sources
        if self.demo:
            from tui.sources.demo import DemoSource

            return [DemoSource()]
        from tui.sources.registry import SourceSpecError, from_config

        sources = []
        for index, table in enumerate(self.config.sources, 1):
            try:
                sources.append(from_config(table, index))
            except SourceSpecError as error:
                self.file_problems.append(str(error))
        return sources

    async def _check_user_files(self) -> None:
        """Templates and tone rules are read when a key needs them: check them now, off the UI
        thread, so their problems join the one notice (and the editor's rules are ready)."""
        from tui.services.session_files import user_file_problems, user_rule_files_exist
        from tui.ui.screens.reply import hint_engine

        def check() -> list[str]:
            return user_file_problems(hint_engine() if user_rule_files_exist() else None)

        try:
            self.file_problems += await asyncio.to_thread(check)
        except Exception as error:  # a checker's own fault must not take the inbox down either
            self.file_problems.append(f"could not check your files: {error!r}")
        self._tell_file_problems()

    def _tell_file_problems(self) -> None:
        """Every problem with the user's files in one notice (the S panel keeps the list)."""
        self.file_problems = list(dict.fromkeys(self.file_problems))
        if self.file_problems:
            count = len(self.file_problems)
            self.notify("\n".join(f"• {problem}" for problem in self.file_problems),
                        title=f"{count} problem{'' if count == 1 else 's'} in your files (S lists them)",
                        severity="error", timeout=20, markup=False)

    async def _run_source(self, source: Source) -> None:
        assert self.session is not None
        try:
            await self.session.pipeline.run(source, on_outcome=lambda _: self._arrived(source.name))
        except asyncio.CancelledError:
            raise
        except Exception as error:  # a source's fault never takes the inbox down
            source.health.fail(str(error) or type(error).__name__)
            self._check_health()
        finally:
            await source.aclose()

    def _arrived(self, name: str) -> None:
        self.delivered[name] = self.delivered.get(name, 0) + 1
        self.arrivals.set()

    def _check_health(self) -> None:
        """Say once when a source starts failing, with its reason; the inbox's top line follows."""
        from tui.ui.screens.sources import error_reason

        failing = {source.name for source in self.sources if not source.health.healthy}
        if failing == self._failing:
            return
        for source in self.sources:
            if source.name in failing - self._failing:
                self.notify(f"{source.name}: {error_reason(source.health) or 'failing'}",
                            title="Source failing (S: sources)", severity="error", timeout=10,
                            markup=False)
        self._failing = failing
        self.arrivals.set()

    def _tick(self) -> None:
        """Snoozes wake and watch windows end by themselves; say so when something comes back."""
        if self.session is None:
            return
        for line in self.session.tick():
            self.notify(line, title="Back in the queues", timeout=6)
        self.arrivals.set()

    async def _drain_spool(self) -> None:
        """A headless `collect` hands us its mentions through the store's spool while we hold it."""
        if self.session is not None and await self.session.drain_spool():
            self.arrivals.set()

    async def _sync_store(self) -> None:
        if self.session is not None and self.session.store.needs_sync:
            await asyncio.to_thread(self.session.store.sync)

    def on_key(self, event: events.Key) -> None:
        """A fast `r` + text: the keys after `r` were already on their way to the inbox when the
        editor opened. Printable keys that reach the app while the editor is up are those: they go
        into the draft (before the app's own bindings, so an `h` or a `q` among them is just text).
        The same for a one-line dialog ("s2h": the snooze prompt opens with "2h" in it)."""
        from tui.ui.screens.prompt import PromptScreen
        from tui.ui.screens.reply import ReplyScreen

        if isinstance(self.screen, ReplyScreen | PromptScreen) and event.is_printable and event.character:
            event.prevent_default()
            event.stop()
            self.screen.type_ahead(event.character)

    def action_help(self) -> None:
        from tui.ui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen))  # the keys of the screen `?` was pressed on

    async def on_unmount(self) -> None:
        if getattr(self, "_stop_outbox", None) is not None:
            self._stop_outbox.set()
        if self.session is not None:
            self.session.close()


def make_app(config: Config, db: Path, *, demo: bool = False,
             sources: Sequence[Source] | None = None,
             clock: Callable[[], datetime] = now_utc) -> TurnaroundApp:
    """The one factory the command line and the tests share."""
    return TurnaroundApp(config, db, demo=demo, sources=sources, clock=clock)
