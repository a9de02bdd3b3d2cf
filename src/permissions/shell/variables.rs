//! Variables whose value changes which program runs or what it runs: setting one before a
//! command (or for the rest of a script) makes the command unknowable.

/// Variables that change which program runs or what it runs (the shell's own, the dynamic
/// linker's, interpreters' and tools' hooks): setting one makes the command unknowable.
const RISKY_VARIABLES: &[&str] = &[
    "PATH",
    "IFS",
    "CDPATH",
    "ENV",
    "BASH_ENV",
    "SHELLOPTS",
    "BASHOPTS",
    "PS4",
    "PROMPT_COMMAND",
    "HOME",
    "EDITOR",
    "VISUAL",
    "PAGER",
    "MANPAGER",
    "LESSOPEN",
    "LESSCLOSE",
    "SSH_ASKPASS",
    "SUDO_ASKPASS",
    "BROWSER",
    "SHELL",
    "CC",
    "CXX",
    "LD",
    "MAKEFLAGS",
    "MAKE",
];
const RISKY_PREFIXES: &[&str] = &[
    "LD_",
    "DYLD_",
    "BASH_FUNC_",
    "GIT_",
    "PYTHON",
    "PERL",
    "RUBY",
    "NODE_",
    "CARGO_",
    "RUSTC",
    "RUSTDOC",
    "NPM_CONFIG_",
    "npm_config_",
];

pub fn is_risky_variable(name: &str) -> bool {
    RISKY_VARIABLES.contains(&name)
        || RISKY_PREFIXES.iter().any(|p| name.starts_with(p))
        || name.ends_with("_OPTIONS")
        || name.ends_with("_OPTS")
}
