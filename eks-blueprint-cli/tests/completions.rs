//! `eks-blueprint completions SHELL`: a script that completes every subcommand and option.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::process::Command;

fn completions(shell: &str) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_eks-blueprint")).args(["completions", shell]).output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn each_shell_gets_a_script_naming_every_subcommand_and_the_diff_options() {
    for (shell, marker) in [
        ("bash", "complete -F _eks__blueprint"),
        ("zsh", "#compdef eks-blueprint"),
        ("fish", "complete -c eks-blueprint"),
        ("elvish", "edit:completion:arg-completer[eks-blueprint]"),
        ("powershell", "Register-ArgumentCompleter"),
    ] {
        let (code, script, stderr) = completions(shell);
        assert_eq!(code, 0, "{shell}: {stderr}");
        assert!(script.contains(marker), "{shell}: no {marker:?}");
        for word in ["synth", "validate", "diff", "completions", "fail-on-replace", "allow-replace"] {
            assert!(script.contains(word), "{shell}: {word} is not completed");
        }
    }
}

#[test]
fn an_unknown_shell_is_bad_input() {
    let (code, script, stderr) = completions("tcsh");
    assert_eq!(code, 2);
    assert!(script.is_empty());
    assert!(stderr.contains("[possible values: bash, elvish, fish, powershell, zsh]"), "{stderr}");
}
