//! The tools claw executes for the model, with Claude Code's names and input fields so users'
//! permission rules and hooks apply unchanged. Each tool validates its input, computes a preview
//! (before approval), and runs; failures become `is_error` tool results the model can act on.

pub mod ask;
pub mod background;
pub mod bash;
pub mod call;
pub mod command_output;
pub mod edit;
pub mod encoding;
pub mod endings;
mod error;
pub mod exit_plan;
pub mod file_change;
pub mod file_state;
pub mod glob;
pub mod grep;
pub mod head_tail;
pub mod live_output;
pub mod multi_edit;
pub mod notebook;
pub mod outcome;
pub mod read;
pub mod read_large;
pub mod structured_output;
pub mod task;
pub mod todo;
pub mod web_fetch;
pub mod web_search;
pub mod write;

use std::borrow::Cow;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, RwLock};

use futures::future::BoxFuture;
use serde_json::Value;

use crate::permissions::ReadDenials;
use crate::protocol::ApprovalPreview;
use crate::provider::ToolSpec;
use crate::sandbox::SandboxPolicy;
pub use call::{AgentServices, Asked, Cut, ModelQuestion, SubagentEnd, ToolCall};
pub use error::ToolError;
pub use file_state::FileState;
pub use outcome::{CallFlow, CallOutcome, Ended, ResultBlock};

/// Whether a tool may run without asking the user (in the default permission mode).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Risk {
    /// Reads only: runs without asking (Read, Glob, Grep).
    ReadOnly,
    /// Changes files or runs commands: asks first (Bash, Write, Edit).
    Mutating,
}

/// A live chunk of tool output for the activity pane (e.g. a Bash command's stdout).
pub type ProgressSink = Arc<dyn Fn(String) + Send + Sync>;

/// A file as it was before a tool changed it.
#[derive(Clone, Debug, PartialEq)]
pub struct FileBefore {
    pub path: PathBuf,
    /// Its exact bytes; None: the tool created it.
    pub content: Option<Vec<u8>>,
}

/// What tools share within one session.
#[derive(Clone)]
pub struct ToolContext {
    /// The session's working directory; relative paths resolve against it.
    pub cwd: PathBuf,
    /// Which files the model has read, and their state then (Edit/Write require a fresh Read).
    pub files: Arc<Mutex<FileState>>,
    /// Files as they were before each change the tools made (None: created), for /rewind.
    pub changes: Arc<Mutex<Vec<FileBefore>>>,
    /// Where the next Bash command starts: a `cd` in one command sticks for the next.
    pub shell_cwd: Arc<Mutex<PathBuf>>,
    /// Commands started with run_in_background.
    pub shells: Arc<Mutex<background::Shells>>,
    /// The Read deny rules in force: Grep and Glob pass over the files they cover.
    pub read_denials: Arc<RwLock<ReadDenials>>,
    /// What confines Bash commands; shared so `/sandbox` switches it for the whole session.
    pub sandbox: Arc<Mutex<SandboxPolicy>>,
}

impl ToolContext {
    pub fn new(cwd: PathBuf) -> Self {
        ToolContext {
            cwd: cwd.clone(),
            files: Arc::new(Mutex::new(FileState::default())),
            changes: Arc::new(Mutex::new(Vec::new())),
            shells: Arc::new(Mutex::new(background::Shells::default())),
            shell_cwd: Arc::new(Mutex::new(cwd.clone())),
            read_denials: Arc::new(RwLock::new(ReadDenials::default())),
            sandbox: Arc::new(Mutex::new(SandboxPolicy::off(&cwd))),
        }
    }

    /// A filter for a walk under `root` (which does not follow links, so only the root's own
    /// links need resolving): true for files a Read deny rule covers.
    pub fn denied_reads(&self, root: &Path) -> impl Fn(&Path) -> bool + Send + Sync + use<> {
        let denials = self
            .read_denials
            .read()
            .map(|d| d.clone())
            .unwrap_or_default();
        let root = root.to_path_buf();
        let real_root = crate::permissions::paths::resolve_links(&root);
        move |path: &Path| {
            let real = path
                .strip_prefix(&root)
                .map(|rest| real_root.join(rest))
                .unwrap_or_else(|_| path.to_path_buf());
            denials.covers_resolved(path, &real)
        }
    }

    /// The same context with Bash commands confined by `policy`.
    pub fn with_sandbox(self, policy: SandboxPolicy) -> Self {
        ToolContext {
            sandbox: Arc::new(Mutex::new(policy)),
            ..self
        }
    }

    /// The sandbox policy in force now.
    pub fn sandbox_policy(&self) -> SandboxPolicy {
        // A panic while the lock was held can't leave a half-written policy (it is replaced
        // whole), so a poisoned lock still holds a valid one.
        self.sandbox
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clone()
    }

    /// `path` made absolute against the cwd.
    pub fn resolve(&self, path: &str) -> PathBuf {
        let p = Path::new(path);
        if p.is_absolute() {
            p.to_path_buf()
        } else {
            self.cwd.join(p)
        }
    }

    /// `path` shown relative to the cwd when it lies inside it.
    pub fn display_path(&self, path: &Path) -> String {
        // The model gets no `~`: its tools don't expand it.
        crate::shown_path::shown(path, &self.cwd, None)
    }

    /// `path` as the user reads it: relative inside the working directory, `~` for home.
    pub fn shown_to_user(&self, path: &Path) -> String {
        crate::shown_path::shown_from(path, &self.cwd)
    }
}

/// A tree walk (Glob, Grep) run off the async workers, since a big tree blocks; its note of the
/// files a Read deny rule made it skip is added to the output.
pub(crate) fn walk_blocking(
    input: Value,
    ctx: &ToolContext,
    tool: &'static str,
    walk: fn(
        &Value,
        &ToolContext,
        &std::sync::atomic::AtomicUsize,
    ) -> Result<ToolOutput, ToolError>,
) -> BoxFuture<'static, Result<ToolOutput, ToolError>> {
    let ctx = ctx.clone();
    Box::pin(async move {
        tokio::task::spawn_blocking(move || {
            let skipped = std::sync::atomic::AtomicUsize::new(0);
            let output = walk(&input, &ctx, &skipped)?;
            Ok(note_skipped(output, skipped.into_inner()))
        })
        .await
        .map_err(|e| ToolError::Failed(format!("{tool} failed: {e}")))?
    })
}

/// `pattern in path` (or the pattern alone), for Glob's and Grep's line in the activity pane.
pub(crate) fn pattern_summary(input: &Value) -> String {
    let pattern = input["pattern"].as_str().unwrap_or("");
    match optional_str(input, "path") {
        Some(path) => format!("{pattern} in {path}"),
        None => pattern.to_string(),
    }
}

/// Says how many files a search or listing passed over because a Read deny rule covers them.
pub(crate) fn note_skipped(mut output: ToolOutput, skipped: usize) -> ToolOutput {
    if skipped > 0 {
        output.content.push_str(&format!(
            "\n({} skipped: a Read deny rule in the settings covers {})",
            count(skipped, "file", "files"),
            if skipped == 1 { "it" } else { "them" }
        ));
    }
    output
}

/// A required string field of a tool's input.
pub(crate) fn required_str<'a>(input: &'a Value, field: &str) -> Result<&'a str, ToolError> {
    input.get(field).and_then(Value::as_str).ok_or_else(|| {
        ToolError::InvalidInput(format!("`{field}` is required and must be a string"))
    })
}

/// An optional string field.
pub(crate) fn optional_str<'a>(input: &'a Value, field: &str) -> Option<&'a str> {
    input.get(field).and_then(Value::as_str)
}

/// An optional non-negative number (also accepted as a numeric string, which models send).
pub(crate) fn optional_u64(input: &Value, field: &str) -> Result<Option<u64>, ToolError> {
    match input.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) => n
            .as_u64()
            .or_else(|| n.as_f64().filter(|f| *f >= 0.0).map(|f| f as u64))
            .map(Some)
            .ok_or_else(|| {
                ToolError::InvalidInput(format!("`{field}` must be a non-negative number"))
            }),
        Some(Value::String(s)) => s.trim().parse().map(Some).map_err(|_| {
            ToolError::InvalidInput(format!("`{field}` must be a non-negative number"))
        }),
        Some(_) => Err(ToolError::InvalidInput(format!(
            "`{field}` must be a number"
        ))),
    }
}

/// An optional boolean field (false when absent).
pub(crate) fn optional_bool(input: &Value, field: &str) -> bool {
    match input.get(field) {
        Some(Value::Bool(b)) => *b,
        Some(Value::String(s)) => s == "true",
        _ => false,
    }
}

pub(crate) use crate::words::count;

/// A tool's successful result.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ToolOutput {
    /// What goes back to the model as the tool_result content.
    pub content: String,
    /// A one-line summary for the activity pane (e.g. "42 lines", "exit 0", "3 files").
    pub summary: String,
    /// Images for the model (Read of a picture).
    pub images: Vec<crate::provider::ImageData>,
    /// What the session does about it beyond telling the model.
    pub effects: Vec<SessionEffect>,
}

/// A change to the session a tool's success asks for, so the agent applies it without knowing
/// the tool by name.
#[derive(Clone, Debug, PartialEq)]
pub enum SessionEffect {
    /// The user approved the plan: plan mode ends (ExitPlanMode).
    LeavePlanMode,
    /// The model's task list is now this one (TodoWrite).
    ShowTodos(Vec<crate::protocol::TodoItem>),
    /// The model read this file: the memory files (CLAW.md) of its directory join the result,
    /// the first time it reads there (Read).
    LoadMemoryFor(PathBuf),
    /// The model gave its final answer as JSON matching `--json-schema` (StructuredOutput).
    StructuredOutput(Value),
}

/// One tool.
pub trait Tool: Send + Sync {
    /// The name the model calls it by. Owned or borrowed: a tool found at run time (MCP) builds
    /// its name, description and schema from what its server reports.
    fn name(&self) -> Cow<'static, str>;
    /// The description given to the model.
    fn description(&self) -> Cow<'static, str>;
    /// JSON schema of the input object.
    fn input_schema(&self) -> Value;
    fn risk(&self) -> Risk;
    /// The key argument shown next to the tool name (a path, a pattern, a command).
    fn summarize(&self, input: &Value) -> String;
    /// Whether the screen may show paths in the summary shortened (relative to the working
    /// directory, `~` for home); a command line is shown exactly as it will run.
    fn summary_shows_paths(&self) -> bool {
        true
    }
    /// Validates `input` and computes what the user is asked to approve (for Mutating tools).
    /// An Err here is returned to the model without asking the user.
    fn preview(&self, input: &Value, ctx: &ToolContext) -> Result<ApprovalPreview, ToolError>;
    /// Does the tool's work. Dropping the future must stop it (Bash kills its process group).
    /// A tool that needs the agent's services overrides [`Tool::call`] instead.
    fn run<'a>(
        &'a self,
        _input: Value,
        _ctx: &'a ToolContext,
        _progress: ProgressSink,
    ) -> BoxFuture<'a, Result<ToolOutput, ToolError>> {
        let name = self.name();
        Box::pin(async move {
            Err(ToolError::Failed(format!(
                "{name} needs the agent's services to run"
            )))
        })
    }

    /// One approved call, as the agent's loop makes it for every tool: by default the work of
    /// [`Tool::run`], cut short when the user interrupts. A tool that needs the agent (a model,
    /// a sub-agent, the user) gets it through `call.agent`.
    fn call<'a>(
        &'a self,
        input: Value,
        call: &'a mut ToolCall<'_>,
    ) -> BoxFuture<'a, Result<ToolOutput, ToolError>> {
        Box::pin(async move {
            let work = self.run(input, call.ctx, call.progress.clone());
            call.watch(work).await.unwrap_or_else(|cut| Err(cut.into()))
        })
    }

    fn spec(&self) -> ToolSpec {
        ToolSpec {
            name: self.name().into_owned(),
            description: self.description().into_owned(),
            input_schema: self.input_schema(),
        }
    }
}

/// The tools of a session, in the order they are offered to the model: the built-in ones, then
/// those found at run time (MCP servers' tools) sorted by name, so the list, and the prompt
/// cache, stays the same while nothing changes.
#[derive(Clone)]
pub struct Registry {
    tools: Vec<Arc<dyn Tool>>,
    found: Vec<Arc<dyn Tool>>,
    /// Which snapshot of the found tools this is (the MCP servers' generation).
    found_generation: u64,
    /// Tools never offered, found ones included (`--disallowedTools` naming whole tools).
    hidden: Arc<[String]>,
    /// When set, the only tools offered, found ones included (a custom agent's `tools`).
    only: Option<Arc<[String]>>,
}

impl Registry {
    /// The built-in tools.
    pub fn builtin() -> Self {
        Registry::new(vec![
            Box::new(bash::Bash),
            Box::new(background::BashOutput),
            Box::new(background::KillShell),
            Box::new(read::Read),
            Box::new(write::Write),
            Box::new(edit::Edit),
            Box::new(multi_edit::MultiEdit),
            Box::new(notebook::NotebookEdit),
            Box::new(glob::Glob),
            Box::new(grep::Grep),
            Box::new(todo::TodoWrite),
            Box::new(exit_plan::ExitPlanMode),
            Box::new(ask::AskUserQuestion),
            Box::new(task::Task::default()),
            Box::new(web_fetch::WebFetch),
            Box::new(web_search::WebSearch),
        ])
    }

    /// A registry of the given tools (tests, sub-agents with a reduced set).
    pub fn new(tools: Vec<Box<dyn Tool>>) -> Self {
        Registry {
            tools: tools.into_iter().map(Arc::from).collect(),
            found: Vec::new(),
            found_generation: 0,
            hidden: Arc::from(Vec::new()),
            only: None,
        }
    }

    /// The same tools with `found` (tools that appeared while the session runs) in place of
    /// the previous ones, sorted by name after the others; a found tool never shadows one
    /// registered before it.
    pub fn with_found(&self, mut found: Vec<Arc<dyn Tool>>, generation: u64) -> Registry {
        found.retain(|t| !self.tools.iter().any(|own| own.name() == t.name()));
        found.retain(|t| !hides(&self.hidden, &t.name()));
        found.retain(|t| self.only.as_ref().is_none_or(|only| hides(only, &t.name())));
        found.sort_by_key(|t| t.name().into_owned());
        Registry {
            tools: self.tools.clone(),
            found,
            found_generation: generation,
            hidden: Arc::clone(&self.hidden),
            only: self.only.clone(),
        }
    }

    /// The same tools narrowed for a custom agent: only those `only` names (all when None),
    /// less those `hidden` names, now and among the tools found later.
    pub fn narrowed(&self, only: Option<&[String]>, hidden: &[String]) -> Registry {
        let mut narrowed = self.clone();
        if let Some(only) = only {
            narrowed.tools.retain(|t| hides(only, &t.name()));
            narrowed.found.retain(|t| hides(only, &t.name()));
            narrowed.only = Some(Arc::from(only));
        }
        narrowed.tools.retain(|t| !hides(hidden, &t.name()));
        narrowed.found.retain(|t| !hides(hidden, &t.name()));
        let all: Vec<String> = self.hidden.iter().chain(hidden).cloned().collect();
        narrowed.hidden = Arc::from(all);
        narrowed
    }

    /// The same tools with `tool` in place of the one of its name (nothing changes when there
    /// is none: a tool left out stays out).
    pub fn replacing(mut self, tool: Box<dyn Tool>) -> Registry {
        let tool: Arc<dyn Tool> = Arc::from(tool);
        if let Some(slot) = self.tools.iter_mut().find(|t| t.name() == tool.name()) {
            *slot = tool;
        }
        self
    }

    /// Only the tools named in `names` (`--tools`); returns the names no tool has.
    pub fn keep_only(&mut self, names: &[String]) -> Vec<String> {
        self.tools.retain(|t| names.iter().any(|n| *n == t.name()));
        names
            .iter()
            .filter(|n| !self.tools.iter().any(|t| t.name() == n.as_str()))
            .cloned()
            .collect()
    }

    /// The same tools without those `hidden` names, now and among the tools found later: a
    /// name is a tool's, or an MCP server's (`mcp__github`) for all of its tools.
    pub fn hiding(mut self, hidden: Vec<String>) -> Registry {
        self.tools.retain(|t| !hides(&hidden, &t.name()));
        self.found.retain(|t| !hides(&hidden, &t.name()));
        self.hidden = Arc::from(hidden);
        self
    }

    /// The snapshot of found tools this registry holds (see [`Registry::with_found`]).
    pub fn found_generation(&self) -> u64 {
        self.found_generation
    }

    /// The same tools and `tool` after them: the one place a tool joins a session (a test's,
    /// or one an MCP server reports), run by the loop like any other.
    pub fn with(mut self, tool: Box<dyn Tool>) -> Registry {
        self.tools.push(Arc::from(tool));
        self
    }

    pub fn get(&self, name: &str) -> Option<&dyn Tool> {
        self.tools
            .iter()
            .chain(&self.found)
            .find(|t| t.name() == name)
            .map(|t| t.as_ref())
    }

    pub fn specs(&self) -> Vec<ToolSpec> {
        self.tools
            .iter()
            .chain(&self.found)
            .map(|t| t.spec())
            .collect()
    }
}

/// Whether `hidden` names tool `name`, or the MCP server it comes from.
fn hides(hidden: &[String], name: &str) -> bool {
    hidden.iter().any(|h| {
        let server = h.strip_suffix("__*").unwrap_or(h);
        name == h
            || (h.starts_with("mcp__")
                && name
                    .strip_prefix(server)
                    .is_some_and(|rest| rest.starts_with("__")))
    })
}

/// The first `name` on PATH (or `name` itself when it is a path to a file).
pub fn find_on_path(name: &str) -> Option<PathBuf> {
    if name.contains('/') {
        let path = Path::new(name);
        return path.is_file().then(|| path.to_path_buf());
    }
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|dir| dir.join(name))
            .find(|p| p.is_file())
    })
}

#[cfg(test)]
mod encoding_tests;

#[cfg(test)]
mod path_tests {
    use super::*;

    #[test]
    fn finds_programs_on_the_path() {
        assert!(find_on_path("sh").is_some());
        assert!(find_on_path("no-such-program-claw").is_none());
        assert!(find_on_path("/bin/sh").is_some());
    }
}

#[cfg(test)]
mod denied_reads_tests;

#[cfg(test)]
mod hidden_tools_tests {
    use super::*;

    #[test]
    fn a_hidden_name_covers_a_tool_or_an_mcp_servers_tools_found_later() {
        let hidden = [
            "WebFetch".to_string(),
            "mcp__github".to_string(),
            "mcp__db__*".to_string(),
        ];
        assert!(hides(&hidden, "WebFetch"));
        assert!(!hides(&hidden, "WebSearch"));
        assert!(hides(&hidden, "mcp__github__create_issue"));
        assert!(!hides(&hidden, "mcp__githubber__x"));
        assert!(hides(&hidden, "mcp__db__query"));
        assert!(!hides(&hidden, "mcp__other__query"));
        let registry = Registry::builtin().hiding(vec!["WebFetch".into(), "Bash".into()]);
        let names: Vec<String> = registry.specs().into_iter().map(|s| s.name).collect();
        assert_eq!(names.len(), 14);
        assert!(!names.iter().any(|n| n == "WebFetch" || n == "Bash"));
        // A found tool of the same name stays hidden too.
        let found: Vec<Arc<dyn Tool>> = vec![Arc::new(bash::Bash)];
        assert!(registry.with_found(found, 1).get("Bash").is_none());
    }

    #[test]
    fn a_narrowed_registry_offers_only_its_names_now_and_later() {
        let only = ["Read".to_string(), "Grep".into(), "mcp__db".into()];
        let narrowed = Registry::new(vec![
            Box::new(read::Read),
            Box::new(grep::Grep),
            Box::new(bash::Bash),
        ])
        .narrowed(Some(&only), &["Grep".to_string()]);
        let names: Vec<String> = narrowed.specs().into_iter().map(|s| s.name).collect();
        assert_eq!(names, ["Read"]);
        let found: Vec<Arc<dyn Tool>> = vec![Arc::new(glob::Glob)];
        assert!(narrowed.with_found(found, 1).get("Glob").is_none());
        let all = Registry::builtin().narrowed(None, &[]);
        assert_eq!(all.specs().len(), 16);
        let replaced = Registry::builtin().replacing(Box::new(task::Task::with_agents(vec![
            task::AgentChoice {
                name: "x".into(),
                description: "y".into(),
            },
        ])));
        assert!(
            replaced
                .get("Task")
                .unwrap()
                .description()
                .contains("- x: y")
        );
        assert_eq!(replaced.specs().len(), 16);
    }
}
