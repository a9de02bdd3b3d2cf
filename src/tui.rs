//! The terminal runtime: sets the terminal up (alternate screen, raw mode, bracketed paste,
//! mouse, keyboard enhancement) and always restores it, turns terminal and agent events into
//! Msgs, runs the reducer's effects, and draws only when something changed, at most ~60 frames
//! a second. Idle means no timers and no CPU.

use std::io::{self, Stdout, Write};
use std::sync::atomic::{AtomicU8, Ordering};
use std::time::{Duration, Instant};

use crossterm::event::{
    DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste, EnableMouseCapture, Event,
    EventStream, KeyboardEnhancementFlags, MouseEventKind, PopKeyboardEnhancementFlags,
    PushKeyboardEnhancementFlags,
};
use crossterm::terminal::{
    BeginSynchronizedUpdate, Clear, ClearType, EndSynchronizedUpdate, EnterAlternateScreen,
    LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};
use crossterm::{cursor, execute};
use futures::StreamExt;
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use tokio::sync::mpsc::UnboundedReceiver;

use crate::app::{Model, Msg};
use crate::protocol::{AgentEvent, Op};
use crate::terminal_query::TerminalFacts;
use crate::ui::{self, RenderCache};

mod dispatch;
mod first_frame;
mod memory;

pub use dispatch::{Deferred, Runtime};

/// The shortest time between two frames (~60 fps).
const FRAME: Duration = Duration::from_millis(16);
/// How often animations (spinners) advance while something is running.
const TICK: Duration = Duration::from_millis(80);
/// At most this many agent events are applied before a frame may be drawn.
const EVENT_BATCH: usize = 512;

/// How long the start-up questions to the terminal may take (terminals answer in
/// milliseconds; this only bounds one that never does).
const QUERY_TIMEOUT: Duration = Duration::from_millis(500);

/// Whether claw holds the terminal now: 0 no, 1 yes, 2 yes with keyboard flags pushed. Read
/// by `restore_if_held`, which a signal handler calls from another task.
static HELD: AtomicU8 = AtomicU8::new(0);

/// Puts the terminal into full-screen mode; dropping it restores the terminal.
pub struct TerminalGuard {
    keyboard_enhanced: bool,
}

impl TerminalGuard {
    /// Enters full-screen mode; also returns what the terminal said about itself.
    pub fn enter() -> io::Result<(Self, TerminalFacts)> {
        install_panic_hook();
        // Ask before entering the alternate screen; raw mode so the answers aren't echoed.
        enable_raw_mode()?;
        let facts = crate::terminal_query::query(QUERY_TIMEOUT);
        let guard = TerminalGuard {
            keyboard_enhanced: facts.keyboard_enhancement,
        };
        guard.resume()?;
        Ok((guard, facts))
    }

    /// Hands the terminal back to the shell for a while (an editor).
    fn suspend(&self) {
        restore(self.keyboard_enhanced);
    }

    /// Takes the terminal again after `suspend`.
    fn resume(&self) -> io::Result<()> {
        enable_raw_mode()?;
        let mut out = io::stdout();
        execute!(
            out,
            EnterAlternateScreen,
            EnableBracketedPaste,
            EnableMouseCapture,
            cursor::Hide
        )?;
        HELD.store(1, Ordering::SeqCst);
        if self.keyboard_enhanced {
            execute!(
                out,
                PushKeyboardEnhancementFlags(KeyboardEnhancementFlags::DISAMBIGUATE_ESCAPE_CODES)
            )?;
            HELD.store(2, Ordering::SeqCst);
        }
        Ok(())
    }
}

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        restore(self.keyboard_enhanced);
    }
}

/// Restores the terminal if claw has it in full-screen mode (for a signal handler's way out;
/// the normal ways out drop the `TerminalGuard`).
pub fn restore_if_held() {
    match HELD.load(Ordering::SeqCst) {
        0 => {}
        held => restore(held == 2),
    }
}

/// Returns the terminal to how the shell expects it. Safe to call more than once.
fn restore(keyboard_enhanced: bool) {
    HELD.store(0, Ordering::SeqCst);
    let mut out = io::stdout();
    if keyboard_enhanced {
        let _ = execute!(out, PopKeyboardEnhancementFlags);
    }
    let _ = execute!(
        out,
        DisableMouseCapture,
        DisableBracketedPaste,
        LeaveAlternateScreen,
        cursor::Show
    );
    let _ = disable_raw_mode();
    let _ = out.flush();
}

/// On a panic, restore the terminal first so the message is readable and the shell usable.
fn install_panic_hook() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        restore(true);
        previous(info);
    }));
}

/// How the UI starts.
#[derive(Debug, Default)]
pub struct Options {
    /// Sent as the first message (`claw "prompt"`).
    pub first_prompt: Option<String>,
    /// A signal from outside ends the UI as quitting does.
    pub stop: crate::signals::Stop,
    /// Told once the first frame is drawn (what waits for it: starting the MCP servers).
    pub first_frame: Option<tokio::sync::oneshot::Sender<()>>,
}

/// Why the UI ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ended {
    /// The user quit (or the terminal went away).
    Quit,
    /// A signal from outside asked claw to stop.
    Signal(crate::signals::Signal),
}

/// Runs the UI until the user quits or a signal comes; the terminal is restored either way.
pub async fn run(
    mut model: Model,
    mut runtime: Runtime,
    mut events: UnboundedReceiver<AgentEvent>,
    options: Options,
) -> io::Result<Ended> {
    let Options {
        first_prompt,
        mut stop,
        mut first_frame,
    } = options;
    let (guard, facts) = TerminalGuard::enter()?;
    if let Some(light) = facts.light_background() {
        runtime.dispatch(
            &mut model,
            Msg::TerminalBackground { light },
            Instant::now(),
        );
    }
    let mut terminal = Terminal::new(CrosstermBackend::new(io::stdout()))?;
    // Not `terminal.clear()`: it asks the terminal for the cursor position, a round trip that
    // costs start-up time (and 2 s where nothing answers).
    execute!(io::stdout(), Clear(ClearType::All))?;
    let size = terminal.size()?;
    runtime.dispatch(
        &mut model,
        Msg::Resize {
            width: size.width,
            height: size.height,
        },
        Instant::now(),
    );
    // The prompt given on the command line is sent once the session has started, so it
    // shows below the header and a resumed transcript.
    let mut first_prompt = first_prompt;
    let mut cache = RenderCache::default();
    let mut deferred_highlighting = false;
    let mut drawn_once = false;
    let mut input = EventStream::new();
    let mut dirty = true;
    let mut drawn_since_idle = false;
    let mut last_frame = Instant::now() - FRAME;
    let mut agent_alive = true;
    let mut ended = Ended::Quit;
    let mut waiting = first_frame::FirstFrame::new(Instant::now());
    loop {
        if dirty && last_frame.elapsed() >= FRAME && waiting.allows(Instant::now()) {
            if !drawn_once && has_code_to_show(&model) {
                // A resumed conversation's first frame draws its code plain rather than wait
                // for the highlighter to load and compile its patterns; the next colours it.
                deferred_highlighting = true;
                ui::highlight::defer();
            }
            let moved = draw(&mut terminal, &mut model, &mut cache, &mut runtime)?;
            drawn_once = true;
            last_frame = Instant::now();
            if let Some(drawn) = first_frame.take() {
                let _ = drawn.send(());
            }
            drawn_since_idle = true;
            dirty = moved;
            if std::mem::take(&mut deferred_highlighting) {
                ui::highlight::load_in_background();
                ui::highlight::highlight_from_now_on();
                dirty = true;
            }
        }
        let wake = if let Some(until) = waiting.deadline() {
            Some(until)
        } else if dirty {
            Some(last_frame + FRAME)
        } else if model.animating() {
            Some(Instant::now() + TICK)
        } else {
            None
        };
        if wake.is_none() && std::mem::take(&mut drawn_since_idle) {
            // Nothing left to draw until the next event: give back what the frames freed.
            memory::release_freed();
        }
        let mut msgs = Vec::new();
        tokio::select! {
            event = input.next() => match event {
                Some(Ok(event)) => msgs.extend(to_msg(event)),
                // The terminal is gone: nothing more to show.
                Some(Err(_)) | None => break,
            },
            event = events.recv(), if agent_alive => match event {
                Some(event) => {
                    msgs.push(Msg::Agent(event));
                    while msgs.len() < EVENT_BATCH {
                        match events.try_recv() {
                            Ok(event) => msgs.push(Msg::Agent(event)),
                            Err(_) => break,
                        }
                    }
                }
                None => {
                    agent_alive = false;
                    msgs.push(Msg::Agent(AgentEvent::Error {
                        message: "The agent stopped unexpectedly; restart claw to continue.".into(),
                    }));
                }
            },
            Some(results) = runtime.found() => {
                msgs.push(Msg::FilesFound(results));
                // Only the newest answer matters: skip ones already superseded.
                while let Some(results) = runtime.try_found() {
                    msgs.push(Msg::FilesFound(results));
                }
            }
            signal = stop.requested() => {
                ended = Ended::Signal(signal);
                break;
            }
            _ = sleep_until(wake), if wake.is_some() => {
                if !dirty {
                    msgs.push(Msg::Tick);
                }
            }
        }
        let now = Instant::now();
        for msg in msgs {
            dirty = true;
            waiting.saw(&msg);
            let started = matches!(msg, Msg::Agent(AgentEvent::SessionStarted(_)));
            runtime.dispatch(&mut model, msg, now);
            if let Some(prompt) = first_prompt.take_if(|_| started) {
                runtime.dispatch(&mut model, Msg::SubmitPrompt(prompt), now);
            }
        }
        let mut quit = false;
        while let Some(deferred) = runtime.take_deferred() {
            match deferred {
                Deferred::OpenEditor(path) => {
                    // The event reader would compete with the editor for the keyboard: stop it.
                    drop(input);
                    let result = run_editor(&path, &guard, &mut terminal);
                    input = EventStream::new();
                    let message = match result {
                        Ok(()) => format!(
                            "Edited {}; the change applies to new sessions.",
                            path.display()
                        ),
                        Err(e) => format!("Could not open an editor for {}: {e}", path.display()),
                    };
                    runtime.dispatch(
                        &mut model,
                        Msg::Agent(AgentEvent::Notice { message }),
                        Instant::now(),
                    );
                    dirty = true;
                }
                Deferred::EditInput(text) => {
                    drop(input);
                    let result = edit_message(&text, &guard, &mut terminal);
                    if !model.mouse_captured {
                        let _ = execute!(io::stdout(), DisableMouseCapture);
                    }
                    input = EventStream::new();
                    runtime.dispatch(&mut model, Msg::InputEdited(result), Instant::now());
                    dirty = true;
                }
                Deferred::Quit => quit = true,
            }
        }
        if quit {
            break;
        }
    }
    // The reducer's own Shutdown (quitting) came first; this one ends the agent otherwise.
    runtime.send(Op::Shutdown(match ended {
        Ended::Quit => crate::protocol::ExitReason::PromptInputExit,
        Ended::Signal(_) => crate::protocol::ExitReason::Other,
    }));
    // Restore the terminal now, not when the caller is done waiting for the agent.
    drop(terminal);
    drop(guard);
    Ok(ended)
}

/// Ctrl+G: the message in a temporary file, edited in `$VISUAL`/`$EDITOR`, read back.
fn edit_message(
    text: &str,
    guard: &TerminalGuard,
    terminal: &mut Terminal<CrosstermBackend<Stdout>>,
) -> Result<String, String> {
    let path = std::env::temp_dir().join(format!(
        "claw-message-{}-{:08x}.md",
        std::process::id(),
        fastrand::u32(..)
    ));
    std::fs::write(&path, text).map_err(|e| format!("{}: {e}", path.display()))?;
    let edited = run_editor(&path, guard, terminal)
        .map_err(|e| e.to_string())
        .and_then(|()| std::fs::read_to_string(&path).map_err(|e| e.to_string()));
    let _ = std::fs::remove_file(&path);
    edited
}

/// Leaves full-screen mode, runs `$VISUAL`/`$EDITOR` (or vi) on `path`, and comes back.
fn run_editor(
    path: &std::path::Path,
    guard: &TerminalGuard,
    terminal: &mut Terminal<CrosstermBackend<Stdout>>,
) -> io::Result<()> {
    guard.suspend();
    let set = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
    let editor = set("VISUAL")
        .or_else(|| set("EDITOR"))
        .unwrap_or_else(|| "vi".to_string());
    // The editor variable may carry arguments ("code -w").
    let status = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!("{editor} \"$1\""))
        .arg("sh")
        .arg(path)
        .status();
    guard.resume()?;
    // A full redraw without `clear()`, which would ask the terminal for the cursor position.
    let size = terminal.size()?;
    terminal.resize(ratatui::layout::Rect::new(0, 0, size.width, size.height))?;
    match status {
        Ok(s) if s.success() => Ok(()),
        Ok(s) => Err(io::Error::other(format!("the editor exited with {s}"))),
        Err(e) => Err(e),
    }
}

/// Puts `text` on the clipboard: OSC 52 (which works over ssh and in most terminals), and the
/// system's clipboard tool too where one is installed (for terminals that ignore OSC 52).
pub(crate) fn copy_to_clipboard(text: &str) {
    let mut out = io::stdout();
    let _ = out.write_all(crate::app::copy::osc52(text).as_bytes());
    let _ = out.flush();
    let tools: [(&str, &[&str]); 4] = [
        ("wl-copy", &[]),
        ("xclip", &["-selection", "clipboard"]),
        ("xsel", &["--clipboard", "--input"]),
        ("pbcopy", &[]),
    ];
    let has_display = std::env::var_os("DISPLAY").is_some()
        || std::env::var_os("WAYLAND_DISPLAY").is_some()
        || cfg!(target_os = "macos");
    if !has_display {
        return;
    }
    let Some((tool, args)) = tools
        .into_iter()
        .find(|(tool, _)| crate::tools::find_on_path(tool).is_some())
    else {
        return;
    };
    let text = text.to_string();
    // In a thread: the tool may wait for the clipboard owner; the UI must not.
    std::thread::spawn(move || {
        let child = std::process::Command::new(tool)
            .args(args)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn();
        if let Ok(mut child) = child {
            if let Some(mut stdin) = child.stdin.take() {
                let _ = stdin.write_all(text.as_bytes());
            }
            let _ = child.wait();
        }
    });
}

async fn sleep_until(deadline: Option<Instant>) {
    if let Some(deadline) = deadline {
        tokio::time::sleep_until(deadline.into()).await;
    }
}

fn to_msg(event: Event) -> Option<Msg> {
    match event {
        Event::Key(key) => Some(Msg::Key(key)),
        Event::Paste(text) => Some(Msg::Paste(text)),
        Event::Resize(width, height) => Some(Msg::Resize { width, height }),
        Event::Mouse(mouse) => match mouse.kind {
            MouseEventKind::ScrollUp | MouseEventKind::ScrollDown => Some(Msg::Mouse(mouse.kind)),
            _ => None,
        },
        Event::FocusGained | Event::FocusLost => None,
    }
}

/// Whether the transcript holds answers (a resumed session), whose code the first frame draws
/// plain.
fn has_code_to_show(model: &Model) -> bool {
    model
        .cells
        .iter()
        .any(|cell| matches!(cell.kind, crate::app::model::CellKind::Assistant(_)))
}

/// Draws one frame inside synchronized-output markers, then reports the transcript's measured
/// height to the reducer. Returns true when that moved the view (draw again).
fn draw(
    terminal: &mut Terminal<CrosstermBackend<Stdout>>,
    model: &mut Model,
    cache: &mut RenderCache,
    runtime: &mut Runtime,
) -> io::Result<bool> {
    let mut metrics = None;
    execute!(io::stdout(), BeginSynchronizedUpdate)?;
    terminal.draw(|frame| metrics = Some(ui::view(model, cache, frame)))?;
    execute!(io::stdout(), EndSynchronizedUpdate)?;
    let scroll = model.scroll;
    if let Some(m) = metrics
        && (m.lines != model.transcript_lines
            || m.rows != model.viewport_rows
            || m.top != model.transcript_top
            || m.top_cell != model.transcript_top_cell
            || matches!(model.scroll, crate::app::model::Scroll::Cell(_)))
    {
        runtime.dispatch(
            model,
            Msg::TranscriptLayout {
                lines: m.lines,
                rows: m.rows,
                top: m.top,
                top_cell: m.top_cell,
            },
            Instant::now(),
        );
    }
    // Heights still estimated are measured a few a frame: keep drawing until they all are.
    Ok(model.scroll != scroll || metrics.is_some_and(|m| !m.settled))
}
