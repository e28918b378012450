//! The web side of the command line: creating sign-ins and tokens, and `attain serve` answering
//! with them until SIGTERM stops it gracefully.
#![allow(clippy::unwrap_used)]

use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Command, Output, Stdio};

fn attain(args: &[&str], cwd: &Path, stdin: Option<&str>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_attain"))
        .args(args)
        .current_dir(cwd)
        .env_remove("ATTAIN_DATABASE_URL")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    // A command refused before it reads stdin closes the pipe early: that is not a failure here.
    let _ = input.write_all(stdin.unwrap_or("").as_bytes());
    drop(input);
    child.wait_with_output().unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn user_add_takes_a_piped_password_or_prints_a_generated_one_once() {
    let dir = tempfile::tempdir().unwrap();
    let piped = attain(
        &[
            "user",
            "add",
            "--email",
            "Ops@Example.com",
            "--role",
            "sales_ops",
        ],
        dir.path(),
        Some("a-long-enough-password\n"),
    );
    assert!(piped.status.success(), "{}", text(&piped.stderr));
    let out = text(&piped.stdout);
    assert!(out.contains("ops@example.com (sales_ops)"), "{out}");
    assert!(
        !out.contains("password"),
        "a piped password is not printed: {out}"
    );
    let generated = attain(
        &[
            "user",
            "add",
            "--email",
            "exec@example.com",
            "--role",
            "executive",
        ],
        dir.path(),
        None,
    );
    assert!(generated.status.success(), "{}", text(&generated.stderr));
    let out = text(&generated.stdout);
    let line = out
        .lines()
        .find(|l| l.starts_with("password (shown once): "))
        .unwrap();
    assert_eq!(line.trim_start_matches("password (shown once): ").len(), 20);
}

#[test]
fn a_duplicate_sign_in_an_unknown_role_or_person_is_refused_in_one_sentence() {
    let dir = tempfile::tempdir().unwrap();
    let args = ["user", "add", "--email", "a@example.com", "--role", "rep"];
    assert!(
        attain(&args, dir.path(), Some("password-number-1\n"))
            .status
            .success()
    );
    let again = attain(&args, dir.path(), Some("password-number-1\n"));
    assert_eq!(again.status.code(), Some(1));
    assert_eq!(
        text(&again.stderr).trim(),
        "error: a sign-in for a@example.com already exists"
    );
    let role = attain(
        &["user", "add", "--email", "b@example.com", "--role", "boss"],
        dir.path(),
        Some("password-number-1\n"),
    );
    assert_eq!(role.status.code(), Some(2));
    assert!(text(&role.stderr).contains("'boss' is not one of rep, manager"));
    let person = attain(
        &[
            "user",
            "add",
            "--email",
            "c@example.com",
            "--role",
            "rep",
            "--person",
            "zz",
        ],
        dir.path(),
        Some("password-number-1\n"),
    );
    assert_eq!(person.status.code(), Some(1));
    assert!(text(&person.stderr).contains("there is no person 'zz'"));
    let token = attain(
        &["token", "create", "--email", "nobody@example.com"],
        dir.path(),
        None,
    );
    assert_eq!(token.status.code(), Some(1));
    assert!(text(&token.stderr).contains("there is no sign-in for nobody@example.com"));
}

/// Sends one HTTP/1.1 GET and returns the raw answer.
fn http_get(addr: &str, path: &str, token: &str) -> String {
    let mut s = std::net::TcpStream::connect(addr).unwrap();
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {token}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut answer = String::new();
    s.read_to_string(&mut answer).unwrap();
    answer
}

#[test]
fn serve_answers_with_a_created_token_and_stops_gracefully_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let add = [
        "user",
        "add",
        "--email",
        "ops@example.com",
        "--role",
        "sales_ops",
    ];
    assert!(
        attain(&add, dir.path(), Some("a-long-enough-password\n"))
            .status
            .success()
    );
    let created = attain(
        &["token", "create", "--email", "ops@example.com"],
        dir.path(),
        None,
    );
    assert!(created.status.success(), "{}", text(&created.stderr));
    let token = text(&created.stdout).trim().to_owned();
    assert!(token.starts_with("atn_"), "{token}");

    let mut server = Command::new(env!("CARGO_BIN_EXE_attain"))
        .args(["serve", "--bind", "127.0.0.1:0"])
        .current_dir(dir.path())
        .env_remove("ATTAIN_DATABASE_URL")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(server.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    let addr = first
        .split("http://")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .unwrap()
        .to_owned();
    let me = http_get(&addr, "/api/v1/me", &token);
    assert!(me.starts_with("HTTP/1.1 200"), "{me}");
    assert!(me.contains("\"email\":\"ops@example.com\""), "{me}");
    let refused = http_get(&addr, "/api/v1/me", "atn_wrong");
    assert!(refused.starts_with("HTTP/1.1 401"), "{refused}");

    let killed = Command::new("kill")
        .args(["-TERM", &server.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let status = server.wait().unwrap();
    assert!(
        status.success(),
        "the server exits cleanly on SIGTERM: {status:?}"
    );
}
