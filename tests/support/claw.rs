//! The real `claw` binary in a pseudo-terminal, against a scripted fake server, in a project
//! directory of its own (HOME and the config and data directories inside it).

use std::path::Path;

use fake_server::{FakeServer, Reply};

use crate::support::pty::{Profile, PtySession};

pub struct Claw {
    /// Keeps the fake server's tasks running.
    _runtime: tokio::runtime::Runtime,
    pub server: FakeServer,
    pub dir: tempfile::TempDir,
}

impl Claw {
    pub fn new(replies: Vec<Reply>) -> Claw {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap();
        let server = runtime.block_on(FakeServer::start(replies)).unwrap();
        Claw {
            _runtime: runtime,
            server,
            dir: tempfile::tempdir().unwrap(),
        }
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    /// Writes `.claude/settings.json` in the project.
    pub fn settings(&self, settings: serde_json::Value) {
        std::fs::create_dir_all(self.root().join(".claude")).unwrap();
        std::fs::write(
            self.root().join(".claude/settings.json"),
            settings.to_string(),
        )
        .unwrap();
    }

    /// Starts claw full screen in a `cols`×`rows` terminal that speaks `profile`.
    pub fn start(&self, cols: u16, rows: u16, profile: Profile) -> PtySession {
        self.start_in(self.root(), &[], &[], (cols, rows), profile)
    }

    /// Starts `claw ARGS` full screen in `cwd`, with `extra_env` beside the project's.
    pub fn start_in(
        &self,
        cwd: &Path,
        args: &[&str],
        extra_env: &[(&str, &str)],
        (cols, rows): (u16, u16),
        profile: Profile,
    ) -> PtySession {
        let base = self.server.base_url();
        let home = self.root().display().to_string();
        let data = format!("{home}/data");
        let mut env = vec![
            ("ANTHROPIC_BASE_URL", base.as_str()),
            ("ANTHROPIC_API_KEY", "test-key"),
            ("HOME", home.as_str()),
            ("XDG_CONFIG_HOME", home.as_str()),
            ("XDG_DATA_HOME", data.as_str()),
            ("CLAW_MODEL", "claude-sonnet-4-6"),
        ];
        env.extend_from_slice(extra_env);
        PtySession::spawn_with(
            Path::new(env!("CARGO_BIN_EXE_claw")),
            args,
            &env,
            cwd,
            cols,
            rows,
            profile,
        )
        .unwrap()
    }
}
